package exporter

// DefaultConfig is used when no --config.file is given: the RabbitMQ node a
// fresh `apt-get install rabbitmq-server` (or the testbed's backend) serves
// on the default management port, with the default guest account (password guest unless
// RABBITFLEET_LOCAL_PASSWORD is set).
const DefaultConfig = `
clusters:
  - name: local
    role: backend
    region: local
    management_urls: [http://127.0.0.1:15672]
    username: guest
    password_env: RABBITFLEET_LOCAL_PASSWORD
`
