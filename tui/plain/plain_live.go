package plain

import (
	"crypto/sha256"
	"fmt"
	"os"
	"strconv"
	"strings"

	"golang.org/x/term"

	"github.com/kvbridge/kvbridge/steps"
	"github.com/kvbridge/kvbridge/steps/azure"
	"github.com/kvbridge/kvbridge/steps/azure/sandbox"
	"github.com/kvbridge/kvbridge/tui/session"
)

// This file holds the plain runner's live checks: where to check (practice
// tenant, own tenant or none), the inputs each lesson's check page needs, the
// runs of the engine's checks and the practice tenant's sync. The client
// secret and any Delinea password live in plainLive only (memory); the state
// and its saved file hold identifiers.

// plainLive is the live-check side of a plain run.
type plainLive struct {
	live     *session.Live
	practice *sandbox.Tenant // started by this run, closed at its end
	secret   string          // the client secret: memory only
	pwHash   *[32]byte       // SHA-256 of the Delinea password, for mapping.value
	sess     *azure.Session
	sessKey  string
	// expiryRes is the last credential.expiry result (expiryOK: there is one),
	// saying whether the expiry was read in Microsoft Graph.
	expiryRes azure.Result
	expiryOK  bool
}

func (l *plainLive) close() {
	if l != nil && l.practice != nil {
		_ = l.practice.Close()
		l.practice = nil
	}
}

// connect decides where the live checks run: the command line's choice, the
// saved one, or the trainee's answer. It applies EvConnect when that changes
// the state's connection.
func (r *plainRunner) connect() error {
	l := r.lv.live
	conn, init := r.st.Connection, l.Initial
	askAll := false
	switch {
	case init.Kind != "":
		if init.Kind != conn.Kind || init.Scenario != "" && init.Scenario != conn.Scenario {
			conn = init
		} else {
			conn = plainMergeConnection(conn, init)
		}
	case conn.Kind == steps.ConnNone:
		kind, err := r.askWhere()
		if err != nil {
			return err
		}
		conn = init
		conn.Kind = kind
		askAll = true
	}
	switch conn.Kind {
	case steps.ConnPractice:
		return r.connectPractice(conn)
	case steps.ConnTenant:
		return r.connectTenant(conn, askAll)
	}
	r.lv.close()
	r.lv = nil
	conn.Kind = steps.ConnOffline
	r.line("The course runs without live checks; the check pages say what to confirm in the portal.")
	return r.connectTo(conn)
}

// plainMergeConnection fills what the command line gave over the saved connection.
func plainMergeConnection(saved, given steps.Connection) steps.Connection {
	set := func(dst *string, v string) {
		if v != "" {
			*dst = v
		}
	}
	c := saved
	set(&c.Scenario, given.Scenario)
	set(&c.TenantID, given.TenantID)
	set(&c.ClientID, given.ClientID)
	set(&c.Cloud, given.Cloud)
	set(&c.AuthorityHost, given.AuthorityHost)
	set(&c.ARMEndpoint, given.ARMEndpoint)
	set(&c.Vault, given.Vault)
	set(&c.SecretName, given.SecretName)
	return c
}

func (r *plainRunner) askWhere() (string, error) {
	r.blank()
	r.line("Where should kvbridge check your work?")
	r.para("  1) ", "     ", "the built-in practice tenant (no Azure needed)")
	r.para("  2) ", "     ", "your own Azure tenant")
	r.para("  3) ", "     ", "no live checks, the course only")
	for {
		ans, err := r.askLine("Your choice [1-3] (Enter: 1): ")
		if err != nil {
			return "", err
		}
		switch strings.ToLower(ans) {
		case "", "1":
			return steps.ConnPractice, nil
		case "2":
			return steps.ConnTenant, nil
		case "3":
			return steps.ConnOffline, nil
		}
		r.line("Type 1, 2 or 3 (? for help).")
	}
}

func (r *plainRunner) connectPractice(conn steps.Connection) error {
	l := r.lv
	scenario := conn.Scenario
	if scenario == "" {
		scenario = "healthy"
	}
	var ten *sandbox.Tenant
	err := fmt.Errorf("this build cannot start a practice tenant")
	if l.live.StartPractice != nil {
		ten, err = l.live.StartPractice(scenario)
	}
	if err != nil {
		r.line(r.sty.render(r.sty.warningNote, "The practice tenant could not start: "+err.Error()))
		r.line("The course goes on without live checks.")
		r.lv = nil
		conn = steps.Connection{Kind: steps.ConnOffline}
		return r.connectTo(conn)
	}
	l.practice = ten
	in := ten.Info()
	// The handed-out credentials are what the trainee would type; they change
	// with every start, so the connection keeps the scenario, not the IDs.
	conn.Kind, conn.Scenario, conn.TenantID, conn.ClientID = steps.ConnPractice, scenario, "", ""
	conn.Cloud, conn.AuthorityHost, conn.ARMEndpoint = "", "", ""
	l.secret = in.ClientSecret
	r.blank()
	shown := scenario
	if scenario == "mystery" {
		shown = "mystery (a hidden problem: find it)"
	}
	r.para("", "  ", "Practice tenant started: scenario "+shown+". It runs inside kvbridge; nothing leaves this machine.")
	r.line("These are the values you would type into Delinea and the Azure forms:")
	for _, row := range [][2]string{
		{"Tenant ID", in.TenantID},
		{"Client ID", in.ClientID},
		{"Client secret", plainMask(in.ClientSecret) + " (a practice value, masked here)"},
		{"Vault", in.VaultName + ", resource ID " + in.VaultID},
	} {
		r.para(fmt.Sprintf("  %-14s ", row[0]+":"), strings.Repeat(" ", 17), row[1])
	}
	return r.connectTo(conn)
}

// plainMask keeps the first 3 characters of a secret.
func plainMask(s string) string {
	if len(s) <= 3 {
		return strings.Repeat("*", len(s))
	}
	return s[:3] + strings.Repeat("*", min(len(s)-3, 12))
}

func (r *plainRunner) connectTenant(conn steps.Connection, askAll bool) error {
	l := r.lv
	conn.Kind, conn.Scenario = steps.ConnTenant, ""
	r.blank()
	r.line("Your own tenant: the checks sign in as the app, read-only. Nothing here is written to Azure.")
	var err error
	if askAll || azure.CheckTenantID(conn.TenantID).Status == azure.StatusFail {
		if conn.TenantID, err = r.askValidated("Tenant ID (Directory ID, or a verified domain)", conn.TenantID, azure.CheckTenantID); err != nil {
			return err
		}
	}
	if askAll || azure.CheckClientID(conn.ClientID).Status == azure.StatusFail {
		if conn.ClientID, err = r.askValidated("Client ID (Application ID)", conn.ClientID, azure.CheckClientID); err != nil {
			return err
		}
	}
	if askAll {
		for {
			def := conn.Cloud
			if def == "" {
				def = "public"
			}
			ans, err := r.askLine("Cloud: public, china or usgov [" + def + "]: ")
			if err != nil {
				return err
			}
			if ans == "" {
				ans = def
			}
			c, perr := azure.ParseCloud(ans)
			if perr != nil {
				r.line(perr.Error() + ".")
				continue
			}
			conn.Cloud = string(c)
			break
		}
	}
	if l.live.Secret != "" {
		l.secret = l.live.Secret
		r.line("Client secret: from AZURE_CLIENT_SECRET (not shown, never saved).")
	} else {
		for {
			s, err := r.askHidden("Client secret (the Value; not shown, never saved): ")
			if err != nil {
				return err
			}
			p := azure.CheckClientSecret(s)
			if p.Status == azure.StatusFail {
				r.para("", "  ", p.Detail)
				continue
			}
			if p.Status == azure.StatusWarn {
				r.para("", "  ", p.Detail)
			}
			l.secret = strings.TrimSpace(s)
			break
		}
	}
	r.para("", "  ", fmt.Sprintf("Checking as app %s in tenant %s (%s cloud).", conn.ClientID, conn.TenantID, plainOrDefault(conn.Cloud, "public")))
	return r.connectTo(conn)
}

func plainOrDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

// connectTo applies EvConnect when the connection changed.
func (r *plainRunner) connectTo(conn steps.Connection) error {
	if conn == r.st.Connection || plainSameConnection(conn, r.st.Connection) {
		return nil
	}
	c := conn
	if _, err := r.apply(steps.Event{Type: steps.EvConnect, Connection: &c}); err != nil {
		r.line("The connection could not be kept: " + err.Error())
	}
	return nil
}

func plainSameConnection(a, b steps.Connection) bool {
	if (a.SecretExpires == nil) != (b.SecretExpires == nil) || (a.SecretExpires != nil && !a.SecretExpires.Equal(*b.SecretExpires)) {
		return false
	}
	a.SecretExpires, b.SecretExpires = nil, nil
	return a == b
}

// askValidated asks for a value, checked as typed with the engine's input
// check; a failing value is asked again with the check's words.
func (r *plainRunner) askValidated(what, def string, check func(string) azure.InputProblem) (string, error) {
	prompt := what + ": "
	if def != "" {
		prompt = what + " [" + def + "]: "
	}
	for {
		ans, err := r.askLine(prompt)
		if err != nil {
			return "", err
		}
		if ans == "" {
			ans = def
		}
		p := check(ans)
		if p.Status == azure.StatusFail {
			r.para("", "  ", p.Detail+" Please type it again.")
			continue
		}
		if p.Status == azure.StatusWarn {
			r.para("", "  ", p.Detail)
		}
		return strings.TrimSpace(ans), nil
	}
}

// askLine reads one answer as typed (trimmed, case kept): names and IDs. Only
// ? (help) and q (quit) are commands here.
func (r *plainRunner) askLine(prompt string) (string, error) {
	for {
		r.write(prompt)
		line, err := r.in.next(r.ctx)
		if err != nil {
			r.write("\n")
			return "", err
		}
		if r.echo {
			r.write(line + "\n")
		}
		a := strings.TrimSpace(line)
		switch strings.ToLower(a) {
		case "?", "help":
			r.blank()
			r.help()
			r.blank()
			continue
		case "q", "quit", "exit":
			return "", errPlainQuit
		}
		return a, nil
	}
}

// askHidden reads a secret: with a hidden prompt when the input is a
// terminal, else one line. It is never echoed, and returned as typed.
func (r *plainRunner) askHidden(prompt string) (string, error) {
	r.write(prompt)
	if f, ok := r.rawIn.(*os.File); ok && term.IsTerminal(int(f.Fd())) && !r.in.pending {
		fd := int(f.Fd())
		old, _ := term.GetState(fd)
		type res struct {
			s   string
			err error
		}
		ch := make(chan res, 1)
		go func() {
			b, err := term.ReadPassword(fd)
			ch <- res{string(b), err}
		}()
		select {
		case <-r.ctx.Done():
			if old != nil {
				_ = term.Restore(fd, old) // give the terminal its echo back
			}
			r.write("\n")
			return "", r.ctx.Err()
		case x := <-ch:
			r.write("\n")
			return x.s, x.err
		}
	}
	line, err := r.in.next(r.ctx)
	if err != nil {
		r.write("\n")
		return "", err
	}
	if r.echo {
		r.write("(not shown)\n")
	} else {
		r.write("\n")
	}
	return line, nil
}

// ---- the check page ----

func plainHasCheck(ids []string, want ...string) bool {
	for _, id := range ids {
		for _, w := range want {
			if id == w || strings.HasSuffix(w, ".") && strings.HasPrefix(id, w) {
				return true
			}
		}
	}
	return false
}

// liveCheck runs a lesson's checks: it asks what they need, runs them with
// the engine (each result a line, recorded into the state), and offers to run
// them again.
func (r *plainRunner) liveCheck(chk steps.Check) error {
	ids := chk.IDs
	r.para("", "", "These checks run now against "+r.target()+". Ctrl+C stops a run.")
	r.blank()
	conn := r.st.Connection
	if plainHasCheck(ids, "rbac.secrets-write", "vault.permission-model") || conn.Vault == "" && plainHasCheck(ids, "vault.", "rbac.", "data.", "arm.vaults", "mapping.secret") {
		if err := r.askVault(); err != nil {
			return err
		}
	}
	mapping := plainHasCheck(ids, "mapping.")
	if mapping {
		if err := r.askMapping(); err != nil {
			return err
		}
	}
	for {
		if _, err := r.runPage(ids, nil); err != nil {
			return err
		}
	prompt:
		for {
			ans, moved, err := r.ask(askLive, r.livePrompt())
			if err != nil || moved {
				return err
			}
			switch ans {
			case "r":
				break prompt
			case "w":
				if err := r.watch(ids); err != nil {
					return err
				}
			case "p":
				did, err := r.practice()
				if err != nil {
					return err
				}
				if did {
					break prompt // the page's checks again, after the change
				}
			default:
				r.line(fmt.Sprintf("%q is not a command here. %s", ans, r.livePromptWords()))
			}
		}
	}
}

// livePrompt is the check page's question: its commands.
func (r *plainRunner) livePrompt() string {
	if r.practiceOn() {
		return "r) run again, w) watch, p) practice actions, Enter) continue: "
	}
	return "r) run again, w) watch, Enter) continue: "
}

// livePromptWords says the check page's commands in a sentence.
func (r *plainRunner) livePromptWords() string {
	p := ""
	if r.practiceOn() {
		p = ", p for the practice actions"
	}
	return "Type r to run the checks again, w to watch them" + p + ", or press Enter to continue."
}

func (r *plainRunner) practiceOn() bool { return r.lv != nil && r.lv.practice != nil }

// runPage runs a page's checks and, where the page lists vaults, says what
// Delinea's dropdown shows. prev is as for runChecks.
func (r *plainRunner) runPage(ids []string, prev map[string]string) (*azure.Report, error) {
	rep, err := r.runChecks(ids, prev)
	if err != nil {
		return rep, err
	}
	if rep != nil && plainHasCheck(ids, "arm.vaults") {
		if res, ok := rep.Result("arm.vaults"); !ok || prev == nil || prev["arm.vaults"] != plainResultKey(res) {
			r.showVaults(rep)
		}
	}
	return rep, nil
}

// plainResultKey is what a watch compares between runs: a result that keeps
// its status and cause is not said again.
func plainResultKey(res azure.Result) string { return string(res.Status) + "|" + res.Cause }

// watch runs the page's checks now and then every session.WatchInterval, until they
// all pass or a line comes (Enter stops; q quits). Input is read while it
// waits. "Watching" is said once, and a run says only what changed, so a
// screen reader is not flooded.
func (r *plainRunner) watch(ids []string) error {
	var prev map[string]string
	said := false
	for {
		rep, err := r.runPage(ids, prev)
		if err != nil {
			return err
		}
		if rep == nil {
			r.line("Watching stopped: the checks cannot run.")
			return nil
		}
		if _, _, all := session.RunTally(ids, rep.Result); all {
			r.line("Everything passes now: watching stopped.")
			r.blank()
			return nil
		}
		prev = map[string]string{}
		for _, res := range rep.Results {
			prev[res.ID] = plainResultKey(res)
		}
		if !said {
			r.line(fmt.Sprintf("Watching: next run in %d s; Enter stops.", int(session.WatchInterval.Seconds())))
			said = true
		}
		line, ticked, err := r.in.nextOr(r.ctx, r.after(session.WatchInterval))
		if err != nil {
			r.write("\n")
			return err
		}
		if ticked {
			continue
		}
		if r.echo {
			r.write(line + "\n")
		}
		switch strings.ToLower(strings.TrimSpace(line)) {
		case "q", "quit", "exit":
			return errPlainQuit
		}
		r.line("Watching stopped.")
		r.blank()
		return nil
	}
}

// practice offers the practice actions (the wizard's list, those of this
// page first), each with what it will do, and does the one chosen. did says
// an action was done, so a check page runs its checks again.
func (r *plainRunner) practice() (did bool, err error) {
	if !r.practiceOn() {
		r.line("Practice actions work in the practice tenant only (kvbridge --sandbox, or choose it when asked where to check).")
		return false, nil
	}
	ten := r.lv.practice
	cur, _ := r.m.Current(r.st)
	acts := session.PracticeMenuFor(cur.Key)
	r.blank()
	r.para("", "", "Practice actions: what you would do in the Azure portal, done on the practice tenant (scenario "+
		r.st.Connection.Scenario+"). Break things and fix them, then run the checks again.")
	w := len(strconv.Itoa(len(acts)))
	for i, a := range acts {
		first := fmt.Sprintf("  %*d) ", w, i+1)
		pad := strings.Repeat(" ", len(first))
		r.para(first, pad, a.Title)
		r.para(pad+"Will do: ", pad+"  ", a.Does)
	}
	var a session.PracticeAction
	for {
		ans, err := r.askLine(fmt.Sprintf("Which action? [1-%d] (Enter: none) ", len(acts)))
		if err != nil {
			return false, err
		}
		if ans == "" {
			r.line("Nothing done.")
			return false, nil
		}
		n, convErr := strconv.Atoi(ans)
		if convErr != nil || n < 1 || n > len(acts) {
			r.line(fmt.Sprintf("Type a number from 1 to %d, or press Enter for none.", len(acts)))
			continue
		}
		a = acts[n-1]
		break
	}
	clientID, vault := session.PracticeTarget(ten.Info(), "")
	text, ns, err := a.Run(ten, clientID, vault)
	if err != nil {
		r.para("", "  ", session.PracticeRefusal(err))
		return false, nil
	}
	if ns != nil {
		// The Value goes into the secret the checks use, and never whole onto
		// the screen: its first 3 characters, as Entra's hint shows them.
		r.lv.secret = ns.Value
		text = fmt.Sprintf("New client secret created (expires %s). Its Value, %s, is now the client secret the checks use (in memory only, never saved).",
			ns.Expires.Format(session.ExpiryLayout), plainMask(ns.Value))
	}
	r.lv.sess = nil // a new session: new credentials, or a changed tenant
	r.para("", "  ", text)
	r.blank()
	return true, nil
}

func (r *plainRunner) target() string {
	c := r.st.Connection
	if c.Kind == steps.ConnPractice {
		return "the practice tenant"
	}
	return "your tenant " + c.TenantID
}

func (r *plainRunner) askVault() error {
	conn := r.st.Connection
	def := conn.Vault
	if def == "" && r.lv.practice != nil {
		def = r.lv.practice.Info().VaultID
	}
	what := "Vault to check (name, URL or resource ID)"
	if def == "" {
		what += ", Enter for none"
	}
	for {
		ans, err := r.askLine(plainPromptWithDefault(what, def))
		if err != nil {
			return err
		}
		if ans == "" {
			ans = def
		}
		if _, verr := azure.NewSession(azure.Config{Vault: ans}); verr != nil {
			r.para("", "  ", verr.Error()+". Please type it again.")
			continue
		}
		conn.Vault = ans
		return r.connectTo(conn)
	}
}

func plainPromptWithDefault(what, def string) string {
	if def == "" {
		return what + ": "
	}
	return what + " [" + def + "]: "
}

func (r *plainRunner) askMapping() error {
	conn := r.st.Connection
	def := conn.SecretName
	if def == "" {
		def = session.DefaultSecretName
	}
	name, err := r.askValidated("Azure secret name mapped in Delinea", def, azure.CheckSecretName)
	if err != nil {
		return err
	}
	conn.SecretName = name
	for {
		ans, err := r.askLine(`Is the Delinea Username mapped to the secret's tag "username"? [Y/n] `)
		if err != nil {
			return err
		}
		yes, ok := plainYesNo(strings.ToLower(ans))
		if ans == "" {
			yes, ok = true, true
		}
		if !ok {
			r.line("Please type y or n.")
			continue
		}
		conn.MapUsername, conn.Username = yes, ""
		if yes && r.lv.practice != nil {
			conn.Username = r.lv.practice.Info().SecretUsername
		}
		break
	}
	if err := r.connectTo(conn); err != nil {
		return err
	}
	if r.lv.practice != nil {
		return r.offerSync()
	}
	pw, err := r.askHidden("Delinea password to compare with the secret's value (optional, Enter skips; not shown, never saved): ")
	if err != nil {
		return err
	}
	r.setComparePassword(pw)
	return nil
}

func (r *plainRunner) setComparePassword(pw string) {
	if pw == "" {
		r.lv.pwHash = nil
		return
	}
	h := sha256.Sum256([]byte(pw))
	r.lv.pwHash = &h
}

// offerSync does Delinea's "Save" in the practice tenant, when asked: a
// SetSecret with the app's own credentials. Only the password's SHA-256 is
// kept, for mapping.value.
func (r *plainRunner) offerSync() error {
	conn := r.st.Connection
	r.blank()
	r.para("", "", "In Delinea, saving the external secret writes its password to Azure as "+conn.SecretName+
		" (a new version), with the app's own credentials. kvbridge can do that write now in the practice vault.")
	for {
		ans, err := r.askLine("Sync now as Delinea would? [y/n] ")
		if err != nil {
			return err
		}
		yes, ok := plainYesNo(strings.ToLower(ans))
		if !ok {
			r.line("Please type y to sync, or n to skip.")
			continue
		}
		if !yes {
			r.line("Not synced.")
			return nil
		}
		break
	}
	var pw string
	for pw == "" {
		var err error
		if pw, err = r.askHidden("The Delinea password of the secret (any practice value; not shown, never saved): "); err != nil {
			return err
		}
		if pw == "" {
			r.line("The password is empty; type one (Delinea does not sync an empty password).")
		}
	}
	sess, err := r.session()
	if err != nil {
		r.line("The sync cannot run: " + err.Error())
		return nil
	}
	var tags map[string]string
	if conn.MapUsername && conn.Username != "" {
		tags = map[string]string{"username": conn.Username}
	}
	res := sess.SyncSecret(r.ctx, conn.SecretName, pw, tags)
	r.setComparePassword(pw) // what Delinea holds, synced or not; only its hash is kept
	pw = ""
	if r.ctx.Err() != nil {
		return r.ctx.Err()
	}
	r.printResult(res.Result, "")
	if res.OK() {
		r.line("Synced. The checks below compare the vault's value with this password (by SHA-256).")
	} else {
		r.line("The sync failed as it would in Delinea; the fix above says what to change.")
	}
	r.blank()
	return nil
}

// session returns the engine's session for the current connection, made
// again only when the connection or the compare password changed.
func (r *plainRunner) session() (*azure.Session, error) {
	l := r.lv
	if l.live.Config == nil {
		return nil, fmt.Errorf("this build cannot configure live checks")
	}
	conn := r.st.Connection
	key := fmt.Sprintf("%+v|%v", conn, l.pwHash != nil)
	if l.pwHash != nil {
		key += fmt.Sprintf("%x", *l.pwHash)
	}
	if l.sess != nil && key == l.sessKey {
		return l.sess, nil
	}
	cfg := l.live.Config(conn, l.secret, l.practice)
	if l.pwHash != nil {
		cfg.SetComparePasswordHash(*l.pwHash)
	} else {
		cfg.SetComparePassword("")
	}
	s, err := azure.NewSession(cfg)
	if err != nil {
		return nil, err
	}
	l.sess, l.sessKey = s, key
	return s, nil
}

// runChecks runs ids (and what they depend on) and prints each result of the
// page as it arrives, recording it into the state. A failed prerequisite is
// shown too, since it explains the skips. With prev (a watch's earlier run,
// by plainResultKey), results that did not change are recorded but not said
// again. Cancelling ends the run promptly; the results of a cancelled run are
// not recorded.
func (r *plainRunner) runChecks(ids []string, prev map[string]string) (*azure.Report, error) {
	sess, err := r.session()
	if err != nil {
		r.line("The checks cannot run: " + err.Error())
		return nil, nil
	}
	want := map[string]bool{}
	for _, id := range ids {
		want[id] = true
	}
	if prev == nil {
		r.line(fmt.Sprintf("Running %d live checks...", len(ids)))
	} else {
		r.line("Running the page's checks again; only what changed is said.")
	}
	passed, same := 0, 0
	say := func(res azure.Result, note string) {
		if prev != nil && prev[res.ID] == plainResultKey(res) {
			same++
			return
		}
		r.printResult(res, note)
	}
	rep := sess.Run(r.ctx, ids, func(res azure.Result) {
		if r.ctx.Err() != nil {
			return
		}
		if !want[res.ID] {
			if res.Status == azure.StatusFail || res.Status == azure.StatusWarn {
				say(res, " (needed first)")
			}
			return
		}
		say(res, "")
		mark := steps.CheckMark{Status: string(res.Status), Cause: res.Cause}
		if mark.Passed() {
			passed++
		}
		if _, err := r.apply(steps.Event{Type: steps.EvCheckResult, ID: res.ID, Status: mark.Status, Cause: mark.Cause}); err != nil {
			r.line("  (not recorded: " + err.Error() + ")")
		}
		if res.ID == "credential.expiry" {
			r.lv.expiryRes, r.lv.expiryOK = res, true
		}
		if exp, ok := session.ExpiryRead(res, r.st.Connection.SecretExpires); ok {
			_ = r.connectTo(session.WithExpiry(r.st.Connection, exp))
		}
	})
	if err := r.ctx.Err(); err != nil {
		r.line("Checks stopped.")
		return rep, err
	}
	r.blank()
	done := fmt.Sprintf("%d of %d checks done (passed, or nothing to compare).", passed, len(ids))
	if same > 0 {
		done += fmt.Sprintf(" %d unchanged, not said again.", same)
	}
	r.line(done)
	r.blank()
	return rep, nil
}

// printResult writes one result: status, ID and title on a line, then the
// detail and, for failures and warnings, the fix, indented.
func (r *plainRunner) printResult(res azure.Result, note string) {
	word := string(res.Status)
	styled := word
	switch res.Status {
	case azure.StatusPass:
		styled = r.sty.render(r.sty.good, word)
	case azure.StatusFail:
		styled = r.sty.render(r.sty.bad, word)
	case azure.StatusWarn:
		styled = r.sty.render(r.sty.warningNote, word)
	}
	lines := plainWrap(res.Title, r.width, fmt.Sprintf("%-4s  %s%s  ", word, res.ID, note), "      ")
	if len(lines) > 0 {
		lines[0] = strings.Replace(lines[0], word, styled, 1)
	}
	for _, l := range lines {
		r.write(l + "\n")
	}
	detail := res.Detail
	if res.Cause != "" && res.Status != azure.StatusPass {
		detail = res.Cause + ": " + detail
	}
	if strings.TrimSpace(detail) != "" {
		r.para("      ", "      ", detail)
	}
	if res.Fix != nil && (res.Status == azure.StatusFail || res.Status == azure.StatusWarn) {
		r.para("      Fix: ", "        ", res.Fix.Summary)
		if res.Fix.Portal != "" {
			r.para("      Portal: ", "        ", res.Fix.Portal)
		}
		for _, c := range res.Fix.Az {
			r.write("      $ " + c + "\n")
		}
	}
}

// showVaults says which vaults ARM lists to the app (the nearest evidence of what
// Delinea's dropdown shows): the list, or why it is
// empty or lacks the vault.
func (r *plainRunner) showVaults(rep *azure.Report) {
	res, ok := rep.Result("arm.vaults")
	if !ok {
		return
	}
	if len(rep.Vaults) == 0 {
		r.line("Vaults ARM lists to the app (what Delinea's dropdown most likely shows): none.")
	} else {
		r.line(fmt.Sprintf("Vaults ARM lists to the app (what Delinea's dropdown most likely shows): %d:", len(rep.Vaults)))
		for _, v := range rep.Vaults {
			r.para("  - ", "    ", fmt.Sprintf("%s (resource group %s, %s)", v.Name, v.ResourceGroup, v.URL))
		}
	}
	if res.Status == azure.StatusFail || res.Status == azure.StatusSkip {
		what := res.Title
		if res.Cause != "" {
			what = res.Cause + ": " + what
		}
		r.para("Diagnosis: ", "  ", what+". See arm.vaults above for the evidence and the fix.")
	}
	r.blank()
}

// ---- section 4: the client secret's expiry ----

// expiry is section 4's client secret expiry, as the wizard's troubleshooting
// page has it: the date the credential.expiry check read in Microsoft Graph
// (kept in the connection), else asked; then the .ics reminder, 30 days
// before, written where the wizard writes it.
func (r *plainRunner) expiry() error {
	r.line("The client secret's expiry:")
	if exp := r.st.Connection.SecretExpires; exp != nil {
		how := "as you gave it"
		if r.lv != nil && session.ExpiryReadByCheck(r.lv.expiryRes, r.lv.expiryOK) {
			how = "read by the credential.expiry check"
		}
		r.para("  ", "    ", fmt.Sprintf("It expires on %s (%s), %s.", exp.Format(session.ExpiryLayout), session.ExpiryWords(*exp, r.now()), how))
	} else {
		r.para("  ", "    ", "Not known yet. The portal shows it under App registrations, your app, Certificates & secrets, Expires.")
		for {
			ans, err := r.askLine("When does the client secret expire? (YYYY-MM-DD, Enter to skip) ")
			if err != nil {
				return err
			}
			if ans == "" {
				r.line("Skipped; without a date there is no reminder.")
				return nil
			}
			t, perr := session.ParseExpiry(ans)
			if perr != nil {
				r.line(session.ExpiryFormatHelp + " Please type it again, or press Enter to skip.")
				continue
			}
			_ = r.connectTo(session.WithExpiry(r.st.Connection, t))
			if r.st.Connection.SecretExpires == nil {
				return nil // not kept; connectTo said why
			}
			r.line(fmt.Sprintf("Expiry saved: %s (%s).", t.Format(session.ExpiryLayout), session.ExpiryWords(t, r.now())))
			break
		}
	}
	for {
		ans, err := r.askLine(fmt.Sprintf("Export a calendar reminder %d days before? [y/n] ", steps.ReminderLeadDays))
		if err != nil {
			return err
		}
		yes, ok := plainYesNo(strings.ToLower(ans))
		if !ok {
			r.line("Please type y to write the reminder, or n to skip it.")
			continue
		}
		if !yes {
			r.line("No reminder written.")
			return nil
		}
		break
	}
	exp, now := *r.st.Connection.SecretExpires, r.now()
	path, err := session.WriteReminder(exp, r.reminderClientID(), now, r.dir, session.ReminderStateDir(r.store))
	if err != nil {
		r.line(r.sty.render(r.sty.warningNote, "The reminder could not be written: "+err.Error()))
		return nil
	}
	r.line(fmt.Sprintf("Reminder for %s saved (import it into your calendar) to:", steps.ReminderDay(exp, now)))
	r.write("  " + path + "\n") // whole on its own line, to copy
	return nil
}

// reminderClientID is the app the reminder names: the practice tenant's app,
// else the connection's.
func (r *plainRunner) reminderClientID() string {
	if r.lv != nil && r.lv.practice != nil {
		return r.lv.practice.Info().ClientID
	}
	return r.st.Connection.ClientID
}
