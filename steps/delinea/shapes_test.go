package delinea_test

import (
	"context"
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/kvbridge/kvbridge/steps/delinea"
)

// The answer shapes of Secret Server's documented API, as its SDKs read them: the
// token answer, a secret with items (nulls included), the template, the searches, and
// the two error shapes ({"errorCode","message"} from the API, {"error"} from the token
// endpoint).
const (
	tokenAnswer  = `{"access_token":"AgJ1c2VyAAAA","token_type":"bearer","expires_in":1199,"refresh_token":"rt-1"}`
	secretAnswer = `{"id":42,"name":"Azure App","secretTemplateId":6001,"folderId":7,"active":true,"checkedOut":false,
"checkOutEnabled":false,"isRestricted":false,"requiresComment":false,"isDoubleLock":false,"autoChangeEnabled":false,
"secretTemplateName":"Azure App Registration","siteId":1,"lastHeartBeatStatus":"Pending","isOutOfSync":false,
"items":[{"itemId":1,"fieldId":601,"fileAttachmentId":null,"fieldName":"Tenant ID","slug":"tenant-id","fieldDescription":"","filename":null,"itemValue":"11111111-2222-3333-4444-555555555555","isFile":false,"isNotes":false,"isPassword":false,"isList":false,"listType":"None"},
{"itemId":2,"fieldId":603,"fileAttachmentId":null,"fieldName":"Client Secret","slug":"client-secret","fieldDescription":"","filename":null,"itemValue":"abc~def","isFile":false,"isNotes":false,"isPassword":true,"isList":false,"listType":"None"}]}`
	templateAnswer = `{"id":6001,"name":"Azure App Registration","passwordTypeId":0,"fields":[{"secretTemplateFieldId":601,"fieldSlugName":"tenant-id","name":"Tenant ID","displayName":"Tenant ID","description":"","isPassword":false,"isRequired":true,"isUrl":false,"isNotes":false,"isFile":false,"isList":false,"listType":"None","sortOrder":1}]}`
	templateSearch = `{"records":[{"id":6002,"name":"Azure App Registration (old)","active":true},{"id":6001,"name":"Azure App Registration","active":true,"passwordTypeId":0,"secretCount":3}],"total":2,"skip":0,"take":50}`
	secretSearch   = `{"records":[{"id":42,"name":"Azure App","secretTemplateId":6001,"secretTemplateName":"Azure App Registration","isRestricted":false,"active":true},{"id":43,"name":"Azure App (copy)","active":true}],"total":2}`
)

func shapesServer(t *testing.T, routes map[string]func(w http.ResponseWriter, r *http.Request)) (*httptest.Server, []byte) {
	t.Helper()
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if h, ok := routes[r.Method+" "+r.URL.Path]; ok {
			h(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(404)
		_, _ = w.Write([]byte(`{"errorCode":"API_NotFound","message":"No HTTP resource was found"}`))
	}))
	t.Cleanup(srv.Close)
	ca := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	return srv, ca
}

func js(body string) func(http.ResponseWriter, *http.Request) {
	return func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		_, _ = w.Write([]byte(body))
	}
}

func TestDocumentedShapes(t *testing.T) {
	var sawForm, sawAuth, sawQuery string
	srv, ca := shapesServer(t, map[string]func(http.ResponseWriter, *http.Request){
		"POST /SecretServer/oauth2/token": func(w http.ResponseWriter, r *http.Request) {
			_ = r.ParseForm()
			sawForm = r.PostForm.Get("grant_type") + " " + r.PostForm.Get("username") + " " + r.Header.Get("Content-Type")
			js(tokenAnswer)(w, r)
		},
		"GET /SecretServer/api/v1/secrets/42": func(w http.ResponseWriter, r *http.Request) {
			sawAuth = r.Header.Get("Authorization")
			js(secretAnswer)(w, r)
		},
		"GET /SecretServer/api/v1/secrets": func(w http.ResponseWriter, r *http.Request) {
			sawQuery = r.URL.RawQuery
			js(secretSearch)(w, r)
		},
		"GET /SecretServer/api/v1/secret-templates":      js(templateSearch),
		"GET /SecretServer/api/v1/secret-templates/6001": js(templateAnswer),
	})
	c, err := delinea.New(delinea.Config{URL: srv.URL + "/SecretServer/", Username: "u", Password: "p@ss word", ExtraCAPEM: ca})
	if err != nil {
		t.Fatal(err)
	}
	s, err := c.SecretByRef(context.Background(), delinea.Ref{Name: "azure app"})
	if err != nil {
		t.Fatal(err)
	}
	if sawForm != "password u application/x-www-form-urlencoded" || sawAuth != "Bearer AgJ1c2VyAAAA" {
		t.Errorf("form %q auth %q", sawForm, sawAuth)
	}
	for _, p := range []string{"filter.searchText=azure+app", "filter.isExactMatch=true", "filter.includeRestricted=true", "take=", "skip=0"} {
		if !strings.Contains(sawQuery, p) {
			t.Errorf("search query %q lacks %s", sawQuery, p)
		}
	}
	f, ok := s.FieldByName("client secret")
	if s.ID != 42 || s.TemplateName != "Azure App Registration" || !ok || f.Value.Reveal() != "abc~def" || !f.IsPassword || f.Slug != "client-secret" {
		t.Fatalf("secret %+v", s)
	}
	tpl, err := c.FindTemplate(context.Background(), "Azure App Registration")
	if err != nil || tpl.ID != 6001 || tpl.Fields[0].Slug != "tenant-id" {
		t.Fatalf("template %+v %v", tpl, err)
	}
}

func TestErrorShapes(t *testing.T) {
	cases := []struct {
		name   string
		status int
		ctype  string
		body   string
		want   delinea.Kind
	}{
		{"token refused", 400, "application/json", `{"error":"Login failed."}`, delinea.KindBadCredentials},
		{"token oauth shape", 400, "application/json", `{"error":"invalid_grant","error_description":"Invalid username or password."}`, delinea.KindBadCredentials},
		{"second factor", 400, "application/json", `{"error":"Two-factor authentication is required."}`, delinea.KindOTPNeeded},
		{"html with 200", 200, "text/html", `<!DOCTYPE html><html><body>Login</body></html>`, delinea.KindAPIDisabled},
		{"html without type", 200, "", "\n  <html><body>Web services disabled</body></html>", delinea.KindAPIDisabled},
		{"redirect to login", 302, "text/html", ``, delinea.KindAPIDisabled},
		{"throttled", 429, "application/json", `{"message":"Too many requests"}`, delinea.KindThrottled},
		{"server error", 500, "application/json", `{"message":"An error has occurred."}`, delinea.KindService},
		{"not json", 200, "application/json", `{"access_token":`, delinea.KindService},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv, ca := shapesServer(t, map[string]func(http.ResponseWriter, *http.Request){
				"POST /oauth2/token": func(w http.ResponseWriter, r *http.Request) {
					if tc.ctype != "" {
						w.Header().Set("Content-Type", tc.ctype)
					}
					if tc.status == 302 {
						w.Header().Set("Location", "/SecretServer/login.aspx")
					}
					w.WriteHeader(tc.status)
					_, _ = w.Write([]byte(tc.body))
				},
			})
			c, err := delinea.New(delinea.Config{URL: srv.URL, Username: "u", Password: "hunter22", ExtraCAPEM: ca})
			if err != nil {
				t.Fatal(err)
			}
			wantKind(t, c.SignIn(context.Background()), tc.want)
		})
	}
	// API errors: the {"errorCode","message"} shape.
	api := []struct {
		status int
		body   string
		want   delinea.Kind
	}{
		{400, `{"errorCode":"API_AccessDenied","message":"Access Denied"}`, delinea.KindForbidden},
		{403, `{"message":"Access Denied"}`, delinea.KindForbidden},
		{404, `{"message":"Secret not found"}`, delinea.KindNotFound},
		{400, `{"errorCode":"API_CommentRequired","message":"A comment is required."}`, delinea.KindRestricted},
		{400, `{"errorCode":"API_CheckOutRequired","message":"Check out first."}`, delinea.KindRestricted},
		{401, `{"message":"Authentication failed"}`, delinea.KindUnauthorized},
	}
	for _, tc := range api {
		srv, ca := shapesServer(t, map[string]func(http.ResponseWriter, *http.Request){
			"POST /oauth2/token": js(tokenAnswer),
			"GET /api/v1/secrets/5": func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(tc.status)
				_, _ = w.Write([]byte(tc.body))
			},
		})
		c, _ := delinea.New(delinea.Config{URL: srv.URL, Username: "u", Password: "hunter22", ExtraCAPEM: ca})
		_, err := c.Secret(context.Background(), 5)
		wantKind(t, err, tc.want)
	}
}

// The password and the token never reach an error text, even when the server echoes them.
func TestErrorsAreScrubbed(t *testing.T) {
	const pw = "S3cr3t+pass/word"
	srv, ca := shapesServer(t, map[string]func(http.ResponseWriter, *http.Request){
		"POST /oauth2/token": func(w http.ResponseWriter, r *http.Request) {
			_ = r.ParseForm()
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(400)
			_, _ = w.Write([]byte(`{"error":"Login failed for password ` + r.PostForm.Get("password") + ` (` + r.PostForm.Encode() + `)"}`))
		},
	})
	c, _ := delinea.New(delinea.Config{URL: srv.URL, Username: "u", Password: pw, ExtraCAPEM: ca})
	err := c.SignIn(context.Background())
	for _, form := range []string{pw, "S3cr3t%2Bpass%2Fword"} {
		if strings.Contains(err.Error(), form) {
			t.Fatalf("error %q holds the password", err)
		}
	}
}

func TestNameMismatch(t *testing.T) {
	srv, ca := shapesServer(t, nil)
	u := strings.Replace(srv.URL, "127.0.0.1", "localhost", 1) // the test certificate names example.com and IPs only
	c, _ := delinea.New(delinea.Config{URL: u, Username: "u", Password: "p", ExtraCAPEM: ca})
	if e := wantKind(t, c.SignIn(context.Background()), delinea.KindTLS); e.TLSProblem != "name-mismatch" {
		t.Errorf("TLS problem %q (%v)", e.TLSProblem, e)
	}
}

func TestParseRefAndURL(t *testing.T) {
	for in, want := range map[string]delinea.Ref{"42": {ID: 42}, " 7 ": {ID: 7}, "Prod VM Admin": {Name: "Prod VM Admin"}, "12abc": {Name: "12abc"}} {
		if got, err := delinea.ParseRef(in); err != nil || got != want {
			t.Errorf("ParseRef(%q) = %+v, %v", in, got, err)
		}
	}
	for _, bad := range []string{"", "  ", "0", "-3", "a\x1bb"} {
		if _, err := delinea.ParseRef(bad); err == nil {
			t.Errorf("ParseRef(%q) accepted", bad)
		}
	}
	for _, bad := range []string{"", "http://ss.example.com", "ss.example.com", "https://ss.example.com/SecretServer/api/v1", "https://u:p@ss.example.com", "https://ss.example.com/oauth2/token"} {
		if _, err := delinea.CheckURL(bad); err == nil {
			t.Errorf("CheckURL(%q) accepted", bad)
		}
	}
	if u, err := delinea.CheckURL("https://ss.example.com/SecretServer/"); err != nil || u != "https://ss.example.com/SecretServer" {
		t.Errorf("CheckURL = %q, %v", u, err)
	}
	if _, err := delinea.New(delinea.Config{URL: "https://x.example.com", Username: "u"}); delinea.KindOf(err) != delinea.KindUsage {
		t.Errorf("no password: %v", err)
	}
}
