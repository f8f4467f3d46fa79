package delinea

import (
	"context"
	"net/url"
	"strconv"
	"strings"
)

// Secret is a secret as GET /api/v1/secrets/{id} returns it. Field values are Values:
// they never print.
type Secret struct {
	ID              int     `json:"id"`
	Name            string  `json:"name"`
	FolderID        int     `json:"folderId"`
	TemplateID      int     `json:"secretTemplateId"`
	TemplateName    string  `json:"secretTemplateName"`
	Active          bool    `json:"active"`
	CheckedOut      bool    `json:"checkedOut"`
	CheckOutEnabled bool    `json:"checkOutEnabled"`
	IsRestricted    bool    `json:"isRestricted"`
	RequiresComment bool    `json:"requiresComment"`
	IsDoubleLock    bool    `json:"isDoubleLock"`
	Items           []Field `json:"items"`
}

// Field is one item of a secret.
type Field struct {
	ItemID     int    `json:"itemId"`
	FieldID    int    `json:"fieldId"`
	FieldName  string `json:"fieldName"`
	Slug       string `json:"slug"`
	IsPassword bool   `json:"isPassword"`
	IsFile     bool   `json:"isFile"`
	IsNotes    bool   `json:"isNotes"`
	Value      Value  `json:"-"`
}

// UnmarshalJSON reads itemValue into the Value (which has no JSON form of its own).
func (f *Field) UnmarshalJSON(b []byte) error {
	type plain Field
	var aux struct {
		plain
		ItemValue *string `json:"itemValue"`
	}
	if err := jsonUnmarshal(b, &aux); err != nil {
		return err
	}
	*f = Field(aux.plain)
	if aux.ItemValue != nil {
		f.Value = Value{*aux.ItemValue}
	}
	return nil
}

// FieldByName finds an item by its field name (what the template calls it), case and
// surrounding spaces ignored.
func (s *Secret) FieldByName(name string) (Field, bool) {
	for _, f := range s.Items {
		if strings.EqualFold(strings.TrimSpace(f.FieldName), strings.TrimSpace(name)) {
			return f, true
		}
	}
	return Field{}, false
}

// FieldBySlug finds an item by slug (slugs come from the template, never guessed).
func (s *Secret) FieldBySlug(slug string) (Field, bool) {
	for _, f := range s.Items {
		if strings.EqualFold(f.Slug, slug) {
			return f, true
		}
	}
	return Field{}, false
}

// FieldByID finds an item by its template field ID.
func (s *Secret) FieldByID(id int) (Field, bool) {
	for _, f := range s.Items {
		if f.FieldID == id && id != 0 {
			return f, true
		}
	}
	return Field{}, false
}

// Secret reads a secret by ID. A restricted secret (comment, checkout, double lock) is
// not opened: the error is KindRestricted and says what it needs.
func (c *Client) Secret(ctx context.Context, id int) (*Secret, error) {
	op := "read secret " + strconv.Itoa(id)
	if id <= 0 {
		return nil, &Error{Kind: KindUsage, Op: op, Message: "a secret ID is a positive number"}
	}
	var s Secret
	if err := c.get(ctx, op, "secrets/"+strconv.Itoa(id), nil, &s); err != nil {
		return nil, err
	}
	if s.ID != id {
		return nil, &Error{Kind: KindService, Op: op, Message: "the answer is for another secret"}
	}
	return &s, nil
}

// SecretSummary is a search record.
type SecretSummary struct {
	ID           int    `json:"id"`
	Name         string `json:"name"`
	TemplateID   int    `json:"secretTemplateId"`
	TemplateName string `json:"secretTemplateName"`
	IsRestricted bool   `json:"isRestricted"`
	Active       bool   `json:"active"`
}

// FindSecretID finds the one secret with exactly this name (case ignored) the user may
// see, restricted ones included. A name found before is answered from memory.
func (c *Client) FindSecretID(ctx context.Context, name string) (int, error) {
	op := "find secret " + strconv.Quote(name)
	key := strings.ToLower(strings.TrimSpace(name))
	c.mu.Lock()
	id, ok := c.names[key]
	c.mu.Unlock()
	if ok {
		return id, nil
	}
	q := url.Values{"filter.searchText": {strings.TrimSpace(name)}, "filter.isExactMatch": {"true"},
		"filter.includeRestricted": {"true"}, "take": {"50"}, "skip": {"0"}}
	var page struct {
		Records []SecretSummary `json:"records"`
	}
	if err := c.get(ctx, op, "secrets", q, &page); err != nil {
		return 0, err
	}
	var hits []SecretSummary
	for _, r := range page.Records {
		if strings.EqualFold(strings.TrimSpace(r.Name), strings.TrimSpace(name)) {
			hits = append(hits, r)
		}
	}
	switch len(hits) {
	case 0:
		return 0, &Error{Kind: KindNotFound, Op: op, Message: "no secret of that name is visible to this user"}
	case 1:
		c.mu.Lock()
		c.names[key] = hits[0].ID
		c.mu.Unlock()
		return hits[0].ID, nil
	}
	ids := make([]string, len(hits))
	for i, h := range hits {
		ids[i] = strconv.Itoa(h.ID)
	}
	return 0, &Error{Kind: KindAmbiguous, Op: op, Message: "several secrets have that name (IDs " + strings.Join(ids, ", ") + "): give the ID"}
}

// SecretByRef reads a secret by ID, or finds it by name and reads it.
func (c *Client) SecretByRef(ctx context.Context, r Ref) (*Secret, error) {
	if r.ID > 0 {
		return c.Secret(ctx, r.ID)
	}
	if r.Name == "" {
		return nil, &Error{Kind: KindUsage, Op: "read secret", Message: "no secret ID or name"}
	}
	id, err := c.FindSecretID(ctx, r.Name)
	if err != nil {
		return nil, err
	}
	return c.Secret(ctx, id)
}
