package main

import (
	"bytes"
	"context"
	"runtime"
	"strings"
	"testing"
)

// kvbridge version shows what make dist stamps (-X main.version, main.commit,
// main.built) and the platform, so a trainer can tell which file a laptop runs.
func TestVersionShowsTheBuild(t *testing.T) {
	defer func(v, c, b string) { version, commit, built = v, c, b }(version, commit, built)
	version, commit, built = "v1.2.3", "0123456789abcdef0123", "2026-11-30"
	var out, errb bytes.Buffer
	if code := run(context.Background(), []string{"version"}, stdio{in: strings.NewReader(""), out: &out, err: &errb}, func(string) string { return "" }); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	want := "kvbridge v1.2.3\ncommit 0123456789ab, built 2026-11-30, " + runtime.Version() + ", " + runtime.GOOS + "/" + runtime.GOARCH + "\n"
	if out.String() != want {
		t.Fatalf("version printed %q, want %q", out.String(), want)
	}
}
