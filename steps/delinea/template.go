package delinea

import (
	"context"
	"encoding/json"
	"net/url"
	"strconv"
	"strings"
)

// Template is a secret template as GET /api/v1/secret-templates/{id} returns it.
type Template struct {
	ID     int             `json:"id"`
	Name   string          `json:"name"`
	Fields []TemplateField `json:"fields"`
}

// TemplateField is one field of a template.
type TemplateField struct {
	ID          int    `json:"secretTemplateFieldId"`
	Slug        string `json:"fieldSlugName"`
	Name        string `json:"name"`
	DisplayName string `json:"displayName"`
	IsPassword  bool   `json:"isPassword"`
	IsRequired  bool   `json:"isRequired"`
}

// FieldByName finds a field by its name (or display name), case and spaces ignored.
func (t *Template) FieldByName(name string) (TemplateField, bool) {
	n := strings.TrimSpace(name)
	for _, f := range t.Fields {
		if strings.EqualFold(strings.TrimSpace(f.Name), n) || strings.EqualFold(strings.TrimSpace(f.DisplayName), n) {
			return f, true
		}
	}
	return TemplateField{}, false
}

// Template reads a template by ID.
func (c *Client) Template(ctx context.Context, id int) (*Template, error) {
	op := "read template " + strconv.Itoa(id)
	var t Template
	if err := c.get(ctx, op, "secret-templates/"+strconv.Itoa(id), nil, &t); err != nil {
		return nil, err
	}
	return &t, nil
}

// FindTemplate finds the template with exactly this name (case ignored) by the
// template search, then reads it; the answer is kept for the client's life (templates
// change rarely, and re-runs then cost no round trip).
func (c *Client) FindTemplate(ctx context.Context, name string) (*Template, error) {
	key := strings.ToLower(strings.TrimSpace(name))
	c.mu.Lock()
	t := c.templates[key]
	c.mu.Unlock()
	if t != nil {
		return t, nil
	}
	op := "find template " + strconv.Quote(name)
	q := url.Values{"filter.searchText": {strings.TrimSpace(name)}, "filter.includeInactive": {"false"}, "take": {"50"}, "skip": {"0"}}
	var page struct {
		Records []struct {
			ID     int    `json:"id"`
			Name   string `json:"name"`
			Active *bool  `json:"active"`
		} `json:"records"`
	}
	if err := c.get(ctx, op, "secret-templates", q, &page); err != nil {
		return nil, err
	}
	id := 0
	for _, r := range page.Records {
		if strings.EqualFold(strings.TrimSpace(r.Name), strings.TrimSpace(name)) && (r.Active == nil || *r.Active) {
			if id != 0 {
				return nil, &Error{Kind: KindAmbiguous, Op: op, Message: "several active templates have that name"}
			}
			id = r.ID
		}
	}
	if id == 0 {
		return nil, &Error{Kind: KindNotFound, Op: op, Message: "no active template of that name is visible to this user"}
	}
	t, err := c.Template(ctx, id)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	c.templates[key] = t
	c.mu.Unlock()
	return t, nil
}

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }
