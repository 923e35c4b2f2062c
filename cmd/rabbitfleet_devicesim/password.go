package main

import (
	"fmt"
	"os"
	"strings"
)

// resolvePassword picks the password from --password-file, then the environment, then the
// RabbitMQ default "guest". The value is never logged.
func resolvePassword(file string, getenv func(string) string) (string, error) {
	if file != "" {
		b, err := os.ReadFile(file)
		if err != nil {
			return "", fmt.Errorf("read --password-file: %w", err)
		}
		pw := strings.TrimRight(string(b), "\r\n")
		if pw == "" {
			return "", fmt.Errorf("--password-file %s is empty", file)
		}
		return pw, nil
	}
	if pw := getenv(passwordEnv); pw != "" {
		return pw, nil
	}
	return "guest", nil
}
