package room

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
)

// A trainee's kvbridge keeps the seat tokens it holds in one file of its state
// directory (mode 0600), so a doctor run or a wizard started again rejoins its seat
// instead of taking another. A seat token opens one practice seat of one room and
// nothing else, like the practice tenant's own values; it is keyed by a hash of the
// room, its code and the name, so the file names no room.

const seatFile = "room-seats.json"

func seatKey(j Join, name string) string {
	h := sha256.Sum256([]byte(j.Addr + "\x00" + j.Code + "\x00" + strings.ToLower(strings.TrimSpace(name))))
	return hex.EncodeToString(h[:12])
}

func readSeats(dir string) map[string]string {
	m := map[string]string{}
	b, err := os.ReadFile(filepath.Join(dir, seatFile))
	if err == nil && len(b) < 1<<20 {
		_ = json.Unmarshal(b, &m)
	}
	return m
}

// SavedToken is the token this machine holds for a name in a room, "" when none.
func SavedToken(dir string, j Join, name string) string {
	if dir == "" {
		return ""
	}
	return readSeats(dir)[seatKey(j, name)]
}

// SaveToken keeps a seat's token for a name in a room ("" forgets it).
func SaveToken(dir string, j Join, name, token string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	m := readSeats(dir)
	if token == "" {
		delete(m, seatKey(j, name))
	} else {
		m[seatKey(j, name)] = token
	}
	b, _ := json.Marshal(m)
	return writeFileAtomic(filepath.Join(dir, seatFile), b, 0o600, true)
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
