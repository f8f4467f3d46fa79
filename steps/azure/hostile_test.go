package azure_test

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/kvbridge/kvbridge/steps/azure"
	"github.com/kvbridge/kvbridge/steps/azure/sandbox"
)

// hostile is what a server could put into any text field: a screen clear, an
// OSC 52 clipboard write, an OSC 0 window title, a C1 CSI, a bidi override and
// a newline that would start a forged line of output.
const hostile = "x\x1b[2J\x1b]52;c;dG91Y2ggUFdORUQ=\x07\x1b]0;pwned\x07\u009b2J\u202e\n✓ pass"

// hostileTenant starts a practice tenant whose every printed name carries
// hostile text: the app's display name (which Entra quotes in AADSTS7000112
// when disable is set), the subscription's display name, and the secret's
// username tag.
func hostileTenant(t *testing.T, disable bool) *sandbox.Tenant {
	t.Helper()
	ten := startTenant(t, sandbox.Options{Scenario: "healthy"})
	var buf bytes.Buffer
	if err := ten.Save(&buf); err != nil {
		t.Fatal(err)
	}
	ten.Close()
	var f map[string]any
	if err := json.Unmarshal(buf.Bytes(), &f); err != nil {
		t.Fatal(err)
	}
	st := f["state"].(map[string]any)
	for _, d := range st["directories"].([]any) {
		for _, a := range d.(map[string]any)["apps"].([]any) {
			a.(map[string]any)["displayName"] = "app" + hostile
			a.(map[string]any)["disabled"] = disable
		}
	}
	for _, s := range st["subscriptions"].([]any) {
		s.(map[string]any)["displayName"] = "Sub" + hostile
	}
	for _, v := range st["vaults"].([]any) {
		for _, s := range v.(map[string]any)["secrets"].(map[string]any) {
			for _, ver := range s.(map[string]any)["versions"].([]any) {
				ver.(map[string]any)["tags"] = map[string]any{"username": "admin" + hostile}
			}
		}
	}
	data, err := json.Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	loaded, err := sandbox.Load(bytes.NewReader(data), sandbox.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { loaded.Close() })
	return loaded
}

// TestHostileServerTextIsInert runs every check against a tenant that puts
// terminal control sequences into the names and messages it returns: every
// string of every result and of the vault list must arrive inert, for every
// front end (wizard, plain mode, doctor's text and JSON) prints them.
func TestHostileServerTextIsInert(t *testing.T) {
	for _, disable := range []bool{true, false} {
		ten := hostileTenant(t, disable)
		rep, streamed := run(t, sandboxConfig(ten))
		seen := 0
		check := func(where, s string) {
			if strings.Contains(s, "appx") || strings.Contains(s, "Subx") || strings.Contains(s, "adminx") {
				seen++
			}
			if !utf8.ValidString(s) {
				t.Errorf("%s: invalid UTF-8 %q", where, s)
			}
			for _, r := range s {
				if r < 0x20 || r == 0x7f || (r >= 0x80 && r <= 0x9f) || (r >= 0x202a && r <= 0x202e) {
					t.Errorf("%s: %q holds control %U", where, s, r)
					break
				}
			}
		}
		for _, r := range append(rep.Results, streamed...) {
			walkStrings(reflect.ValueOf(r), r.ID, check)
		}
		for _, v := range rep.Vaults {
			walkStrings(reflect.ValueOf(v), "vault "+v.Name, check)
		}
		if seen == 0 {
			t.Errorf("disabled=%v: no result carried the hostile names at all, so the test proves nothing:\n%s", disable, dump(rep))
		}
		if disable {
			r, _ := rep.Result("auth.token")
			if r.Status != azure.StatusFail || !strings.Contains(r.Detail+r.Title, "app") {
				t.Errorf("disabled app: auth.token = %s %q %q", r.Status, r.Title, r.Detail)
			}
		}
	}
}

func walkStrings(v reflect.Value, where string, f func(string, string)) {
	switch v.Kind() {
	case reflect.String:
		f(where, v.String())
	case reflect.Ptr, reflect.Interface:
		if !v.IsNil() {
			walkStrings(v.Elem(), where, f)
		}
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			if v.Type().Field(i).IsExported() {
				walkStrings(v.Field(i), where+"."+v.Type().Field(i).Name, f)
			}
		}
	case reflect.Slice, reflect.Array:
		for i := 0; i < v.Len(); i++ {
			walkStrings(v.Index(i), where, f)
		}
	case reflect.Map:
		for _, k := range v.MapKeys() {
			walkStrings(v.MapIndex(k), where, f)
		}
	}
}
