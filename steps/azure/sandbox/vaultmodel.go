package sandbox

import (
	"errors"
	"maps"
	"strings"
)

var errDeletedButRecoverable = errors.New("deleted but recoverable")

// set adds a version to a secret, creating the secret if needed. A name held by a
// soft-deleted secret cannot be reused until it is recovered or purged.
func (v *vault) set(name string, sv *secretVersion) (*secret, error) {
	key := strings.ToLower(name)
	if _, gone := v.Deleted[key]; gone {
		return nil, errDeletedButRecoverable
	}
	if v.Secrets == nil {
		v.Secrets = map[string]*secret{}
	}
	s := v.Secrets[key]
	if s == nil {
		s = &secret{Name: name}
		v.Secrets[key] = s
	}
	sv.Version = newVersion()
	sv.Tags = maps.Clone(sv.Tags)
	s.Versions = append(s.Versions, sv)
	return s, nil
}

// softDelete moves a secret, all versions, to the deleted list for the retention period.
func (v *vault) softDelete(name string, now int64) *deletedEntry {
	key := strings.ToLower(name)
	s := v.Secrets[key]
	if s == nil {
		return nil
	}
	delete(v.Secrets, key)
	d := &deletedEntry{Secret: s, DeletedDate: now, ScheduledPurgeDate: now + int64(v.RetentionDays)*86400}
	if v.Deleted == nil {
		v.Deleted = map[string]*deletedEntry{}
	}
	v.Deleted[key] = d
	return d
}

func (v *vault) recoveryLevel() string {
	if v.PurgeProtection {
		return "Recoverable"
	}
	return "Recoverable+Purgeable"
}
