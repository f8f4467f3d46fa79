package delinea

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
)

// signInPlatform signs in through Delinea Platform: a client-credentials token from
// {platform}/identity/api/oauth2/token/xpmplatform, then, once, the default active
// vault's URL from {platform}/vaultbroker/api/vaults. The same token calls that vault.
func (c *Client) signInPlatform(ctx context.Context) (string, error) {
	const op = "sign in to Delinea Platform"
	form := url.Values{"grant_type": {"client_credentials"}, "client_id": {c.cfg.Username},
		"client_secret": {c.cfg.Password}, "scope": {"xpmheadless"}}
	tctx, cancel := context.WithTimeout(ctx, c.timeout())
	defer cancel()
	req, err := http.NewRequestWithContext(tctx, http.MethodPost, c.platform+"/identity/api/oauth2/token/xpmplatform", strings.NewReader(form.Encode()))
	if err != nil {
		return "", &Error{Kind: KindUsage, Op: op, Message: "bad URL"}
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	body, resp, err := c.send(tctx, op, req)
	if err != nil {
		return "", err
	}
	if e := c.tokenError(op, resp, body, false); e != nil {
		return "", e
	}
	tok, err := c.keepToken(op, body)
	if err != nil {
		return "", err
	}
	if c.BaseURL() != "" {
		return tok, nil
	}
	base, err := c.vaultBroker(ctx, tok)
	if err != nil {
		c.Forget()
		return "", err
	}
	c.mu.Lock()
	c.base = base
	c.mu.Unlock()
	return tok, nil
}

// vaultBroker returns connection.url of the vault that is default and active.
func (c *Client) vaultBroker(ctx context.Context, tok string) (string, error) {
	const op = "find the vault (Platform vault broker)"
	ctx, cancel := context.WithTimeout(ctx, c.timeout())
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.platform+"/vaultbroker/api/vaults", nil)
	if err != nil {
		return "", &Error{Kind: KindUsage, Op: op, Message: "bad URL"}
	}
	req.Header.Set("Authorization", "Bearer "+tok)
	req.Header.Set("Accept", "application/json")
	body, resp, err := c.send(ctx, op, req)
	if err != nil {
		return "", err
	}
	if e := htmlTrap(op, resp, body); e != nil {
		return "", e
	}
	if resp.StatusCode < 200 || resp.StatusCode >= 300 {
		return "", c.apiError(op, resp, body)
	}
	var v struct {
		Vaults []struct {
			Name       string `json:"name"`
			Type       string `json:"type"`
			IsDefault  bool   `json:"isDefault"`
			IsActive   bool   `json:"isActive"`
			Connection struct {
				URL string `json:"url"`
			} `json:"connection"`
		} `json:"vaults"`
	}
	if err := json.Unmarshal(body, &v); err != nil {
		return "", &Error{Kind: KindService, Op: op, Message: "the vault broker's answer is not the JSON Platform sends"}
	}
	for _, x := range v.Vaults {
		if x.IsDefault && x.IsActive {
			base, err := CheckURL(x.Connection.URL)
			if err != nil {
				return "", &Error{Kind: KindService, Op: op, Message: "the default vault's URL is not usable: " + err.Error()}
			}
			return base, nil
		}
	}
	return "", &Error{Kind: KindNotFound, Op: op, Message: "Platform lists no vault that is both default and active"}
}
