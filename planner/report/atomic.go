package report

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/rabbitfleet/rabbitfleet/internal/atomicfile"
)

// file is one rendered report file.
type file struct {
	name string
	data []byte
}

// writeFile creates and fsyncs one file of the new report; tests replace it
// to fail midway.
var writeFile = func(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	return errors.Join(err, f.Close())
}

// replaceDir writes files into a fresh temporary directory next to dir
// (same parent, so renames stay on one file system), fsyncs them, and
// renames it to dir; an existing dir is first renamed aside and removed
// after the swap. Until the swap dir is untouched, and a failure removes
// the temporary directory, so no partial report is ever left at dir.
func replaceDir(dir string, files []file) (err error) {
	dir = filepath.Clean(dir)
	parent := filepath.Dir(dir)
	info, err := os.Lstat(dir)
	exists := err == nil
	switch {
	case exists && !info.IsDir():
		return fmt.Errorf("report: %s exists and is not a directory (nor may it be a symbolic link)", dir)
	case err != nil && !errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("report: %w", err)
	}

	tmp, err := os.MkdirTemp(parent, "."+filepath.Base(dir)+".tmp-")
	if err != nil {
		return fmt.Errorf("report: %w", err)
	}
	defer func() {
		if err != nil {
			os.RemoveAll(tmp) // best effort: the error already says what failed
		}
	}()
	for _, f := range files {
		if err = writeFile(filepath.Join(tmp, f.name), f.data); err != nil {
			return fmt.Errorf("report: writing %s: %w", f.name, err)
		}
	}
	// MkdirTemp makes the directory private; a report is for reading.
	if err = os.Chmod(tmp, 0o755); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	if err = atomicfile.SyncDir(tmp); err != nil {
		return fmt.Errorf("report: %w", err)
	}

	if !exists {
		if err = os.Rename(tmp, dir); err != nil {
			return fmt.Errorf("report: %w", err)
		}
		return syncParent(parent)
	}
	old := tmp + ".old" // unique because tmp is
	if err = os.Rename(dir, old); err != nil {
		return fmt.Errorf("report: moving the previous report aside: %w", err)
	}
	if err = os.Rename(tmp, dir); err != nil {
		if back := os.Rename(old, dir); back != nil {
			return fmt.Errorf("report: %w; the previous report is left at %s: %v", err, old, back)
		}
		return fmt.Errorf("report: %w", err)
	}
	syncErr := syncParent(parent)
	if rmErr := os.RemoveAll(old); rmErr != nil {
		return errors.Join(syncErr, fmt.Errorf("report: removing the previous report: %w", rmErr))
	}
	return syncErr
}

// syncParent makes the renames in parent durable.
func syncParent(parent string) error {
	if err := atomicfile.SyncDir(parent); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	return nil
}
