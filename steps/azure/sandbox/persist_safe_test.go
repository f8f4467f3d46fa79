package sandbox

import (
	"bytes"
	"strings"
	"testing"
)

// A saved tenant goes to trainees: no answer key, no seed, no client secret value, and
// it still serves (the hashed secrets still sign in).
func TestSaveIsFitForTrainees(t *testing.T) {
	e := startOpts(t, Options{Scenario: "mystery", Seed: 7, Wiring: Loopback})
	key := e.ten.AnswerKey()
	if key.Scenario == "mystery" || key.Seed != 7 || e.info.Seed != 7 {
		t.Fatalf("answer key %+v, Info.Seed %d", key, e.info.Seed)
	}
	again := startOpts(t, Options{Scenario: "mystery", Seed: 7, Wiring: Loopback})
	if again.ten.AnswerKey().Scenario != key.Scenario {
		t.Fatalf("seed 7 picked %s, then %s", key.Scenario, again.ten.AnswerKey().Scenario)
	}
	e.ten.mu.Lock()
	cid := e.ten.m.Directories[0].Apps[0].ClientID
	e.ten.mu.Unlock()
	fresh, err := e.ten.AddClientSecret(cid, 0)
	must(t, err)
	var buf bytes.Buffer
	must(t, e.ten.Save(&buf))
	file := buf.String()
	for what, s := range map[string]string{"the answer key": `"answerKey"`, "the hidden scenario": `"` + key.Scenario + `"`,
		"what it teaches": key.Teaches[:20], "the seed": `"seed"`, "a client secret value": fresh.Value, "secretText": `"secretText"`} {
		if strings.Contains(file, s) {
			t.Errorf("the saved state holds %s (%q)", what, s)
		}
	}
	if !strings.Contains(file, `"secretHash": "sha256$`) {
		t.Error("the client secrets are not saved as hashes")
	}
	loaded, err := Load(strings.NewReader(file), Options{Wiring: Loopback})
	must(t, err)
	defer loaded.Close()
	if k := loaded.AnswerKey(); k.Scenario != "mystery" || loaded.Info().Seed != 0 {
		t.Fatalf("a loaded mystery knows its answer: %+v", k)
	}
	le := envFor(t, loaded, nil)
	// The real tenant and app: the mystery may hand out wrong ones.
	loaded.mu.Lock()
	tid, cid := loaded.m.Directories[0].ID, loaded.m.Directories[0].Apps[0].ClientID
	loaded.mu.Unlock()
	le.tokenFor(le.credFor(tid, cid, fresh.Value), "https://vault.azure.net/.default")
	if _, err := le.credFor(tid, cid, fresh.Value+"x").GetToken(ctx(t), armScope); err == nil {
		t.Fatal("a wrong secret signed in against a loaded tenant")
	}
}

// Save files from before hashing (secretText) still load, hashed on the way in.
func TestLoadHashesOldSecretText(t *testing.T) {
	e := start(t, Loopback, "healthy")
	var buf bytes.Buffer
	must(t, e.ten.Save(&buf))
	old := strings.Replace(buf.String(), `"secretHash": "`+firstHash(t, e.ten)+`"`, `"secretHash": "", "secretText": "`+e.info.ClientSecret+`"`, 1)
	if old == buf.String() {
		t.Fatal("test setup: no hash replaced")
	}
	loaded, err := Load(strings.NewReader(old), Options{Wiring: Loopback})
	must(t, err)
	defer loaded.Close()
	le := envFor(t, loaded, nil)
	le.armToken()
}

func firstHash(t *testing.T, ten *Tenant) string {
	ten.mu.Lock()
	defer ten.mu.Unlock()
	return ten.m.Directories[0].Apps[0].Secrets[0].Hash
}
