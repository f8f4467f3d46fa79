package room

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strings"
)

// A trainee's kvbridge keeps the seat tokens it holds in its state directory, one file
// per seat (mode 0600, so two kvbridge runs never overwrite each other's), so a doctor
// run or a wizard started again rejoins its seat instead of taking another. A seat token
// opens one practice seat of one room and nothing else, like the practice tenant's own
// values; the file is named by a hash of the room, its code and the name, so it names
// no room.

const seatDir = "room-seats"

func seatPath(dir string, j Join, name string) string {
	h := sha256.Sum256([]byte(j.Addr + "\x00" + j.Code + "\x00" + strings.ToLower(strings.TrimSpace(name))))
	return filepath.Join(dir, seatDir, hex.EncodeToString(h[:12]))
}

// SavedToken is the token this machine holds for a name in a room, "" when none.
func SavedToken(dir string, j Join, name string) string {
	if dir == "" {
		return ""
	}
	b, err := os.ReadFile(seatPath(dir, j, name))
	if err != nil || len(b) > 256 {
		return ""
	}
	return strings.TrimSpace(string(b))
}

// SaveToken keeps a seat's token for a name in a room ("" forgets it).
func SaveToken(dir string, j Join, name, token string) error {
	p := seatPath(dir, j, name)
	if token == "" {
		err := os.Remove(p)
		if errors.Is(err, os.ErrNotExist) {
			return nil
		}
		return err
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		return err
	}
	return writeFileAtomic(p, []byte(token+"\n"), 0o600, true)
}

// JoinOrRejoin takes the seat this machine holds for name in the room (rejoining with
// its token), or a new one; the token is kept in dir. A token the room no longer knows
// (a new room at the same address) is forgotten and a seat is taken anew.
func JoinOrRejoin(ctx context.Context, dir string, j Join, name string) (*Seat, error) {
	if tok := SavedToken(dir, j, name); tok != "" {
		s, err := JoinRoom(ctx, j, name, tok)
		var e *APIError
		switch {
		case err == nil:
			return s, nil
		case errors.As(err, &e) && e.Code == "UnknownSeat":
			_ = SaveToken(dir, j, name, "")
		default:
			return nil, err
		}
	}
	s, err := JoinRoom(ctx, j, name, "")
	if err != nil {
		return nil, err
	}
	if dir != "" {
		_ = SaveToken(dir, j, name, s.Info.Token)
	}
	return s, nil
}
