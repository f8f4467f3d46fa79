package sandbox

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// Key Vault's documented limits.
const (
	maxValueBytes  = 25 * 1024
	maxContentType = 255
	maxTags        = 15
	maxTagLen      = 256
)

type attributesIn struct {
	Enabled   *bool  `json:"enabled"`
	NotBefore *int64 `json:"nbf"`
	Expires   *int64 `json:"exp"`
}

type secretBody struct {
	Value       *string            `json:"value"`
	ContentType *string            `json:"contentType"`
	Tags        map[string]*string `json:"tags"`
	Attributes  *attributesIn      `json:"attributes"`
}

// readBody parses a secret request body. Errors never echo the body: it may hold a value.
func (x *kvCall) readBody() (*secretBody, bool) {
	data, err := io.ReadAll(http.MaxBytesReader(x.w, x.r.Body, 64<<10))
	if err != nil {
		kvError(x.w, http.StatusBadRequest, "BadParameter", "The request body is too large.", "")
		return nil, false
	}
	var b secretBody
	if err := json.Unmarshal(data, &b); err != nil {
		kvError(x.w, http.StatusBadRequest, "BadParameter", "The request body is not valid JSON for this operation.", "")
		return nil, false
	}
	msg := ""
	switch {
	case b.ContentType != nil && len(*b.ContentType) > maxContentType:
		msg = "The contentType must not exceed 255 characters."
	case len(b.Tags) > maxTags:
		msg = "A secret may have at most 15 tags."
	}
	for k, v := range b.Tags {
		if k == "" || len(k) > maxTagLen || (v != nil && len(*v) > maxTagLen) {
			msg = "Tag names must be 1-256 characters and tag values at most 256."
		}
	}
	if msg != "" {
		kvError(x.w, http.StatusBadRequest, "BadParameter", msg, "")
		return nil, false
	}
	return &b, true
}

func tagsOf(in map[string]*string) map[string]string {
	if in == nil {
		return nil
	}
	out := make(map[string]string, len(in))
	for k, v := range in {
		if v != nil {
			out[k] = *v
		} else {
			out[k] = ""
		}
	}
	return out
}

func (x *kvCall) setSecret(v *vault) {
	b, ok := x.readBody()
	if !ok {
		return
	}
	switch {
	case b.Value == nil:
		kvError(x.w, http.StatusBadRequest, "BadParameter", "Property 'value' is required.", "")
		return
	case len(*b.Value) > maxValueBytes:
		kvError(x.w, http.StatusBadRequest, "BadParameter", "The secret value exceeds the maximum size of 25 KB.", "")
		return
	}
	now := x.t.now().Unix()
	sv := &secretVersion{Value: *b.Value, Tags: tagsOf(b.Tags), Enabled: true, Created: now, Updated: now}
	if b.ContentType != nil {
		sv.ContentType = *b.ContentType
	}
	if a := b.Attributes; a != nil {
		if a.Enabled != nil {
			sv.Enabled = *a.Enabled
		}
		sv.NotBefore, sv.Expires = a.NotBefore, a.Expires
	}
	s, err := v.set(x.name, sv)
	if err != nil {
		kvError(x.w, http.StatusConflict, "Conflict", fmt.Sprintf("Secret %s is currently in a deleted but recoverable state, and its name cannot be reused; in this state, the secret can only be recovered or purged.", x.name), "ObjectIsDeletedButRecoverable")
		return
	}
	writeJSON(x.w, http.StatusOK, x.bundle(v, s, sv, true))
}

// lookup finds a secret and one of its versions (the current one for ""),
// answering 404 SecretNotFound itself when there is none.
func (x *kvCall) lookup(v *vault, version string) (*secret, *secretVersion, bool) {
	s := v.Secrets[strings.ToLower(x.name)]
	if s == nil {
		x.notFound(x.name)
		return nil, nil, false
	}
	sv := s.current()
	if version != "" {
		if sv = s.version(version); sv == nil {
			x.notFound(x.name + "/" + version)
			return nil, nil, false
		}
	}
	return s, sv, true
}

func (x *kvCall) getSecret(v *vault, version string) {
	s, sv, ok := x.lookup(v, version)
	if !ok {
		return
	}
	if !sv.Enabled {
		kvError(x.w, http.StatusForbidden, "Forbidden", "Operation get is not allowed on a disabled secret.", "SecretDisabled")
		return
	}
	writeJSON(x.w, http.StatusOK, x.bundle(v, s, sv, true))
}

func (x *kvCall) updateSecret(v *vault, version string) {
	s, sv, ok := x.lookup(v, version)
	if !ok {
		return
	}
	b, ok := x.readBody()
	if !ok {
		return
	}
	if b.ContentType != nil {
		sv.ContentType = *b.ContentType
	}
	if b.Tags != nil {
		sv.Tags = tagsOf(b.Tags)
	}
	if a := b.Attributes; a != nil {
		if a.Enabled != nil {
			sv.Enabled = *a.Enabled
		}
		if a.NotBefore != nil {
			sv.NotBefore = a.NotBefore
		}
		if a.Expires != nil {
			sv.Expires = a.Expires
		}
	}
	sv.Updated = x.t.now().Unix()
	writeJSON(x.w, http.StatusOK, x.bundle(v, s, sv, false))
}

func (x *kvCall) deleteSecret(v *vault) {
	d := v.softDelete(x.name, x.t.now().Unix())
	if d == nil {
		x.notFound(x.name)
		return
	}
	writeJSON(x.w, http.StatusOK, x.deletedBundle(v, d))
}

func (x *kvCall) getDeleted(v *vault) {
	d := v.Deleted[strings.ToLower(x.name)]
	if d == nil {
		x.deletedNotFound()
		return
	}
	writeJSON(x.w, http.StatusOK, x.deletedBundle(v, d))
}

func (x *kvCall) purgeDeleted(v *vault) {
	key := strings.ToLower(x.name)
	if v.Deleted[key] == nil {
		x.deletedNotFound()
		return
	}
	if v.PurgeProtection {
		kvError(x.w, http.StatusForbidden, "Forbidden", `Operation "purge" is not allowed because purge protection is enabled for this vault. Key Vault service will automatically purge it after the retention period has passed.`, "")
		return
	}
	delete(v.Deleted, key)
	x.w.WriteHeader(http.StatusNoContent)
}

func (x *kvCall) recoverDeleted(v *vault) {
	s := v.recover(x.name)
	if s == nil {
		x.deletedNotFound()
		return
	}
	writeJSON(x.w, http.StatusOK, x.bundle(v, s, s.current(), false))
}

func (x *kvCall) listSecrets(v *vault) {
	var items []any
	for _, s := range sortedSecrets(v.Secrets) {
		items = append(items, x.item(v, x.base()+"/secrets/"+s.Name, s.current()))
	}
	x.page(items)
}

func (x *kvCall) listVersions(v *vault) {
	s := v.Secrets[strings.ToLower(x.name)]
	if s == nil {
		x.notFound(x.name)
		return
	}
	var items []any
	for _, sv := range s.Versions {
		items = append(items, x.item(v, x.base()+"/secrets/"+s.Name+"/"+sv.Version, sv))
	}
	x.page(items)
}

func (x *kvCall) listDeleted(v *vault) {
	var items []any
	keys := slices.Sorted(func(yield func(string) bool) {
		for k := range v.Deleted {
			if !yield(k) {
				return
			}
		}
	})
	for _, k := range keys {
		d := v.Deleted[k]
		it := x.item(v, x.base()+"/secrets/"+d.Secret.Name, d.Secret.current())
		it["recoveryId"] = x.base() + "/deletedsecrets/" + d.Secret.Name
		it["deletedDate"], it["scheduledPurgeDate"] = d.DeletedDate, d.ScheduledPurgeDate
		items = append(items, it)
	}
	x.page(items)
}

func sortedSecrets(m map[string]*secret) []*secret {
	out := make([]*secret, 0, len(m))
	for _, s := range m {
		out = append(out, s)
	}
	slices.SortFunc(out, func(a, b *secret) int { return strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)) })
	return out
}

// page writes one page of a Key Vault list: maxresults (1-25, default 25) and an
// absolute nextLink that carries api-version, since the SDK follows it verbatim.
func (x *kvCall) page(items []any) {
	q := x.r.URL.Query()
	size := 25
	if s := q.Get("maxresults"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > 25 {
			kvError(x.w, http.StatusBadRequest, "BadParameter", "The value of maxresults must be an integer between 1 and 25.", "")
			return
		}
		size = n
	}
	start := 0
	if s := q.Get("$skiptoken"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 {
			kvError(x.w, http.StatusBadRequest, "BadParameter", "The $skiptoken is not valid.", "")
			return
		}
		start = min(n, len(items))
	}
	end := min(start+size, len(items))
	var next any
	if end < len(items) {
		q.Set("$skiptoken", strconv.Itoa(end))
		next = x.base() + x.r.URL.Path + "?" + q.Encode()
	}
	page := items[start:end]
	if page == nil {
		page = []any{}
	}
	writeJSON(x.w, http.StatusOK, map[string]any{"value": page, "nextLink": next})
}
