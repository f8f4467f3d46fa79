// Package safefile writes a file the user asked for (an exported calendar
// reminder, a report) into a directory kvbridge does not own, such as the
// current one, without the ways such a write goes wrong:
//
//   - it never follows a symbolic link at the destination: a link planted
//     under the file's name cannot redirect the write to its target;
//   - it never replaces an existing file unless the caller says so, after
//     asking the user: Write reports an *ExistsError instead;
//   - it is atomic: the data goes to a temporary file in the same directory,
//     is flushed to disk, and only then takes the destination's name, so a
//     reader or a crash sees the old file or the whole new one, never half.
package safefile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// ExistsError says the destination already exists; the caller may ask the
// user and call Write again with replace set. errors.Is(err, fs.ErrExist)
// holds.
type ExistsError struct {
	Path    string
	Symlink bool // the destination is a symbolic link (its target is never written)
	Dir     bool // the destination is a directory (never replaced)
}

func (e *ExistsError) Error() string {
	switch {
	case e.Dir:
		return e.Path + " is a directory"
	case e.Symlink:
		return e.Path + " already exists as a symbolic link"
	}
	return e.Path + " already exists"
}

// Is makes errors.Is(err, fs.ErrExist) true.
func (e *ExistsError) Is(target error) bool { return target == fs.ErrExist }

// Write writes data to path with permissions perm. Without replace, an
// existing path (file, link, anything) is left alone and an *ExistsError
// returned. With replace, an existing file or symbolic link is replaced by
// the new file (a link itself, never its target); a directory never is.
func Write(path string, data []byte, perm fs.FileMode, replace bool) error {
	if info, err := os.Lstat(path); err == nil {
		ex := &ExistsError{Path: path, Symlink: info.Mode()&fs.ModeSymlink != 0, Dir: info.IsDir()}
		if !replace || ex.Dir {
			return ex
		}
	}
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	name := tmp.Name()
	defer os.Remove(name) // a no-op once it has taken the destination's name
	if err := tmp.Chmod(perm); err != nil && !errors.Is(err, errors.ErrUnsupported) {
		tmp.Close()
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if replace {
		// rename replaces a file or a link by name; it never writes through a link.
		if err := os.Rename(name, path); err != nil {
			return err
		}
	} else if err := os.Link(name, path); err != nil {
		// A hard link fails if anything took the name since the Lstat above, so
		// there is no window in which an existing file is replaced.
		if errors.Is(err, fs.ErrExist) {
			info, lerr := os.Lstat(path)
			return &ExistsError{Path: path, Symlink: lerr == nil && info.Mode()&fs.ModeSymlink != 0, Dir: lerr == nil && info.IsDir()}
		}
		if err := exclusive(name, path, data, perm); err != nil {
			return err
		}
	}
	syncDir(dir)
	return nil
}

// exclusive is the fallback for file systems without hard links (FAT, some
// network shares): O_EXCL creates the file only if the name is free, and does
// not follow a symbolic link there. It is not atomic against a crash, which
// such file systems do not offer anyway.
func exclusive(tmp, path string, data []byte, perm fs.FileMode) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
	if errors.Is(err, fs.ErrExist) {
		return &ExistsError{Path: path}
	}
	if err != nil {
		return err
	}
	_, werr := f.Write(data)
	serr := f.Sync()
	cerr := f.Close()
	if err := errors.Join(werr, serr, cerr); err != nil {
		os.Remove(path)
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}

// syncDir makes the new name durable; failure only weakens durability.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		d.Close()
	}
}
