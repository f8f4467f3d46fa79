package plain

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/kvbridge/kvbridge/internal/safefile"
	"github.com/kvbridge/kvbridge/internal/tty"
	"github.com/kvbridge/kvbridge/steps"
	"github.com/kvbridge/kvbridge/steps/live"
)

// This file draws the live session (steps/live) line by line: where to check,
// the inputs a check page declares, runs, watches, practice actions and the
// sync. Every rule (what a page asks, what is saved, how results count, what
// a practice action does) is the session's; this file only asks and prints.
// Secrets stay in the session's memory; nothing here keeps one.

// plainLiveState is what the runner remembers of the live part in this run.
type plainLiveState struct {
	asked map[string]bool // fields asked (or handed out) in this run
	// prev is a watch's last results by ID (status|cause), so a run says only
	// what changed; nil outside a watch.
	prev    map[string]string
	same    int  // results not said again in the run under way
	watched bool // "Watching" was said in this watch
	// firstRun is closed when a watch's first run ends: input is read only
	// then, as a line typed ahead belongs to the prompt after the run.
	firstRun chan struct{}
	mu       sync.Mutex
}

// drive runs a job of the session and every job after it, printing what
// arrives. A cancelled context stops it promptly.
func (r *plainRunner) drive(j live.Job) {
	if j == nil {
		r.refresh()
		return
	}
	stop := context.AfterFunc(r.ctx, r.s.Cancel)
	defer stop()
	r.s.Drive(j, r.see)
	r.refresh()
}

// see prints one thing the session accepted.
func (r *plainRunner) see(m live.Msg) {
	switch m := m.(type) {
	case *live.Started:
		if m.Err != nil {
			r.line(r.sty.render(r.sty.warningNote, "The practice tenant could not start: "+live.Words(m.Err)))
			return
		}
		r.practiceStarted(m.Scenario)
	case *live.Arrived:
		r.seeRow(m.Row, m.OnPage)
	case *live.Finished:
		r.finished(m)
		r.lv.mu.Lock()
		if r.lv.firstRun != nil {
			close(r.lv.firstRun)
			r.lv.firstRun = nil
		}
		r.lv.mu.Unlock()
	case *live.Tick:
		r.line("Running the page's checks again; only what changed is said.")
	case *live.Synced:
		r.printRow(m.Row, "")
		if m.OK {
			r.line("Synced. The checks compare the vault's value with this password (by SHA-256).")
		} else {
			r.line("The sync failed as it would in Delinea; the fix above says what to change.")
		}
		r.blank()
	case *live.Acted:
		if m.Err != nil {
			r.para("", "  ", live.Words(m.Err))
			return
		}
		r.para("", "  ", m.Text)
		r.blank()
		if p, ok := r.s.Page(); ok && p.Check {
			r.line("Running the page's checks again.")
		}
	}
}

// seeRow prints a result as it arrives: the page's own, and a prerequisite
// that did not pass (it explains the skips). In a watch, a result that did
// not change is not said again.
func (r *plainRunner) seeRow(row live.Row, onPage bool) {
	lv := &r.lv
	if !onPage && !row.Problem() {
		return
	}
	lv.mu.Lock()
	if lv.prev != nil && lv.prev[row.ID] == row.Status+"|"+row.Cause {
		lv.same++
		lv.mu.Unlock()
		return
	}
	lv.mu.Unlock()
	note := ""
	if !onPage {
		note = " (needed first)"
	}
	r.printRow(row, note)
}

// finished ends a run: the count, and on a page with the vault picker the
// vaults ARM lists to the app.
func (r *plainRunner) finished(f *live.Finished) {
	lv := &r.lv
	if f.Err != nil {
		r.line("The checks could not run: " + live.Words(f.Err))
		return
	}
	r.blank()
	words := f.Tally.Words()
	lv.mu.Lock()
	same, prev := lv.same, lv.prev
	lv.same = 0
	lv.mu.Unlock()
	if same > 0 {
		words += fmt.Sprintf(" %d unchanged, not said again.", same)
	}
	r.line(words)
	r.blank()
	p, _ := r.s.Page()
	if p.VaultPicker {
		rows := r.s.Rows([]string{"arm.vaults"})
		if len(rows) == 1 && rows[0].Status != live.NotRun && (prev == nil || prev["arm.vaults"] != rows[0].Status+"|"+rows[0].Cause) {
			r.showVaults(rows[0])
		}
	}
	if f.Watching {
		lv.mu.Lock()
		lv.prev = map[string]string{}
		for _, row := range r.s.Rows(p.IDs) {
			lv.prev[row.ID] = row.Status + "|" + row.Cause
		}
		said := lv.watched
		lv.watched = true
		lv.mu.Unlock()
		if !said {
			r.line(fmt.Sprintf("Watching: next run in %d s; Enter stops.", int(live.WatchInterval.Seconds())))
		}
	}
}

// refresh reads the state back from the session after a change.
func (r *plainRunner) refresh() { r.st = r.s.State() }

// connect decides where the live checks run: the command line's choice, the
// saved one, or the trainee's answer.
func (r *plainRunner) connect() error {
	r.drive(r.s.Begin())
	askAll := false
	if r.s.NeedsChoice() {
		kind, err := r.askWhere()
		if err != nil {
			return err
		}
		r.drive(r.s.Choose(kind, ""))
		askAll = true
	}
	switch r.st.Connection.Kind {
	case steps.ConnPractice:
		if st := r.s.Status(); st.StartErr != nil {
			r.line("The course goes on without live checks.")
			r.drive(r.s.Choose(steps.ConnOffline, ""))
		}
		return nil
	case steps.ConnTenant:
		return r.connectTenant(askAll)
	}
	r.line("The course runs without live checks; the check pages say what to confirm in the portal.")
	return nil
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

// practiceStarted shows what the practice tenant handed out: the values a
// trainee would type, the secret masked.
func (r *plainRunner) practiceStarted(scenario string) {
	h, ok := r.s.Handout()
	if !ok {
		return
	}
	for _, f := range []string{steps.FieldTenantID, steps.FieldClientID, steps.FieldClientSecret, steps.FieldCloud} {
		r.lv.asked[f] = true // handed out: the practice tenant's own values
	}
	r.blank()
	shown := scenario
	if h.Mystery {
		shown = scenario + " (a hidden problem: find it)"
	}
	if h.Where != "" {
		r.para("", "  ", "Practice tenant ready: "+h.Where+" (the trainer knows what, if anything, is wrong with it). Your progress goes to the trainer as you work.")
	} else {
		r.para("", "  ", "Practice tenant started: scenario "+shown+". It runs inside kvbridge; nothing leaves this machine.")
	}
	r.line("These are the values you would type into Delinea and the Azure forms:")
	for _, row := range [][2]string{
		{"Tenant ID", h.TenantID},
		{"Client ID", h.ClientID},
		{"Client secret", live.Mask(h.ClientSecret) + " (a practice value, masked here)"},
		{"Vault", h.VaultName + ", resource ID " + h.VaultID},
	} {
		r.para(fmt.Sprintf("  %-14s ", row[0]+":"), strings.Repeat(" ", 17), row[1])
	}
}

// connectTenant asks what the own tenant needs that was not given: the IDs
// (when chosen here, or not well formed), the cloud (when chosen here) and
// the client secret.
func (r *plainRunner) connectTenant(askAll bool) error {
	r.blank()
	r.line("Your own tenant: the checks sign in as the app, read-only. Nothing here is written to Azure.")
	for _, name := range []string{steps.FieldTenantID, steps.FieldClientID, steps.FieldCloud} {
		if askAll || r.fieldFails(name) {
			if err := r.askField(name); err != nil {
				return err
			}
		}
		r.lv.asked[name] = true
	}
	if r.s.Value(steps.FieldClientSecret) != "" {
		r.line("Client secret: from AZURE_CLIENT_SECRET (not shown, never saved).")
		r.lv.asked[steps.FieldClientSecret] = true
	} else if err := r.askField(steps.FieldClientSecret); err != nil {
		return err
	}
	c := r.st.Connection
	cloud := c.Cloud
	if cloud == "" {
		cloud = "public"
	}
	r.para("", "  ", fmt.Sprintf("Checking as app %s in tenant %s (%s cloud).", r.s.Value(steps.FieldClientID), r.s.Value(steps.FieldTenantID), cloud))
	return nil
}

// field is one field as it stands, ok false when it does not apply now.
func (r *plainRunner) field(name string) (live.Field, bool) {
	fs := r.s.Fields(live.Page{Fields: []string{name}})
	if len(fs) == 0 {
		return live.Field{}, false
	}
	return fs[0], true
}

func (r *plainRunner) fieldFails(name string) bool {
	f, ok := r.field(name)
	return ok && f.Problem.Status == "fail"
}

// askField asks one field with its question, the current value as the
// default (Enter keeps it), until the session takes the answer. A secret is
// read without echo; a value its check refuses is asked again with the
// check's words.
func (r *plainRunner) askField(name string) error {
	for {
		f, ok := r.field(name)
		if !ok {
			return nil
		}
		var ans string
		var err error
		switch {
		case f.Secret:
			ans, err = r.askHidden(f.Question + ": ")
		case len(f.Choices) == 2 && f.Choices[0] == "yes":
			def := "y/N"
			if f.Value == "yes" {
				def = "Y/n"
			}
			ans, err = r.askLine(f.Question + " [" + def + "] ")
			if yes, ok := plainYesNo(strings.ToLower(ans)); ok {
				ans = map[bool]string{true: "yes", false: "no"}[yes]
			} else if ans != "" {
				r.line("Please type y or n.")
				continue
			}
		case len(f.Choices) > 0:
			ans, err = r.askLine(f.Question + " [" + f.Value + "]: ")
		default:
			ans, err = r.askLine(plainPromptWithDefault(f.Question, f.Value))
		}
		if err != nil {
			return err
		}
		// Enter keeps the value (a default shown stays a default); anything
		// typed goes to the session, which may refuse it.
		if ans != "" || f.Secret {
			if err := r.s.SetField(name, ans); err != nil {
				r.para("", "  ", live.Words(err)+" Please type it again.")
				continue
			}
		}
		r.refresh()
		f, _ = r.field(name)
		switch {
		case f.Problem.Status == "fail" && name != steps.FieldPassword:
			r.para("", "  ", f.Problem.Detail+" Please type it again.")
			continue
		case f.Problem.Status == "warn":
			r.para("", "  ", f.Problem.Detail)
		}
		r.lv.asked[name] = true
		return nil
	}
}

func plainPromptWithDefault(what, def string) string {
	if def == "" {
		return what + ": "
	}
	return what + " [" + def + "]: "
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

// askHidden reads a secret: with echo off when the input is a terminal
// (tty.ReadHidden, which a signal ends), else one line. It is never echoed,
// and returned as typed.
func (r *plainRunner) askHidden(prompt string) (string, error) {
	r.write(prompt)
	if f, ok := r.rawIn.(*os.File); ok && tty.IsTerminal(f) && !r.in.pending {
		b, err := tty.ReadHidden(r.ctx, f)
		r.write("\n")
		if r.ctx.Err() != nil {
			return "", r.ctx.Err()
		}
		return string(b), err
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

// liveCheck runs a lesson's check page: it asks the inputs the page declares
// (those not asked yet in this run, or refused), runs the checks, and offers
// the page's commands.
func (r *plainRunner) liveCheck(p live.Page) error {
	r.para("", "", "These checks run now against "+r.target()+". Ctrl+C stops a run.")
	r.blank()
	if err := r.askPageFields(p, false); err != nil {
		return err
	}
	for {
		if err := r.runPage(); err != nil {
			return err
		}
	prompt:
		for {
			ans, moved, err := r.ask(askLive, r.livePrompt(p))
			if err != nil || moved {
				return err
			}
			switch ans {
			case "r":
				break prompt
			case "w":
				if err := r.watch(); err != nil {
					return err
				}
			case "p":
				if _, err := r.practice(); err != nil {
					return err
				}
			case "s":
				if !r.syncOn(p) {
					r.line(fmt.Sprintf("%q is not a command here. %s", ans, r.livePromptWords(p)))
					continue
				}
				if err := r.sync(); err != nil {
					return err
				}
			case "e":
				if err := r.askPageFields(p, true); err != nil {
					return err
				}
				break prompt
			default:
				r.line(fmt.Sprintf("%q is not a command here. %s", ans, r.livePromptWords(p)))
			}
		}
	}
}

// askPageFields asks the page's fields: all of them (again), or those not
// asked yet in this run. A value handed out wrong (a practice scenario's
// Secret ID) is not asked again: the checks say what is wrong with it, and
// e changes it.
func (r *plainRunner) askPageFields(p live.Page, all bool) error {
	for _, name := range p.Fields {
		if !all && r.lv.asked[name] {
			continue
		}
		if err := r.askField(name); err != nil {
			return err
		}
	}
	return nil
}

func (r *plainRunner) syncOn(p live.Page) bool {
	return p.Sync && r.s.CanAct() == nil
}

// livePrompt is the check page's question: its commands.
func (r *plainRunner) livePrompt(p live.Page) string {
	var b strings.Builder
	b.WriteString("r) run again, w) watch, ")
	if r.s.CanAct() == nil {
		b.WriteString("p) practice actions, ")
	}
	if r.syncOn(p) {
		b.WriteString("s) sync, ")
	}
	if len(p.Fields) > 0 {
		b.WriteString("e) edit values, ")
	}
	b.WriteString("Enter) continue: ")
	return b.String()
}

// livePromptWords says the check page's commands in a sentence.
func (r *plainRunner) livePromptWords(p live.Page) string {
	var more []string
	if r.s.CanAct() == nil {
		more = append(more, "p for the practice actions")
	}
	if r.syncOn(p) {
		more = append(more, "s to sync the password to the vault as Delinea's Save would")
	}
	if len(p.Fields) > 0 {
		more = append(more, "e to change the values")
	}
	extra := ""
	if len(more) > 0 {
		extra = ", " + strings.Join(more, ", ")
	}
	return "Type r to run the checks again, w to watch them" + extra + ", or press Enter to continue."
}

// runPage runs the page's checks once, each result a line as it arrives.
func (r *plainRunner) runPage() error {
	j, err := r.s.Run()
	if err != nil {
		r.line("The checks cannot run: " + live.Words(err))
		return nil
	}
	p, _ := r.s.Page()
	r.line(fmt.Sprintf("Running %d live checks...", len(p.IDs)))
	r.drive(j)
	if err := r.ctx.Err(); err != nil {
		r.line("Checks stopped.")
		return err
	}
	return nil
}

// watch runs the page's checks now and then every live.WatchInterval, until
// they all pass or a line comes (Enter stops; q quits). Input is read while
// it waits. "Watching" is said once, and a run says only what changed, so a
// screen reader is not flooded.
func (r *plainRunner) watch() error {
	j, err := r.s.Watch()
	if err != nil {
		r.line("The checks cannot run: " + live.Words(err))
		return nil
	}
	p, _ := r.s.Page()
	r.line(fmt.Sprintf("Running %d live checks...", len(p.IDs)))
	first := make(chan struct{})
	r.lv.mu.Lock()
	r.lv.prev, r.lv.same, r.lv.watched, r.lv.firstRun = nil, 0, false, first
	r.lv.mu.Unlock()
	done := make(chan time.Time)
	go func() {
		r.s.Drive(j, r.see)
		close(done)
	}()
	stop := context.AfterFunc(r.ctx, r.s.Cancel)
	defer stop()
	select {
	case <-first:
	case <-done:
	}
	defer func() {
		r.lv.mu.Lock()
		r.lv.prev = nil
		r.lv.mu.Unlock()
		r.refresh()
	}()
	line, ended, err := r.in.nextOr(r.ctx, done)
	if err != nil {
		r.s.Cancel()
		<-done
		r.write("\n")
		if r.ctx.Err() != nil {
			r.line("Checks stopped.")
		}
		return err
	}
	if ended {
		st := r.s.Status()
		if st.Last != nil && st.Last.Tally.AllPassed() {
			r.line("Everything passes now: watching stopped.")
		} else {
			r.line("Watching stopped: the checks cannot run.")
		}
		r.blank()
		return nil
	}
	r.s.Cancel()
	<-done
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

// practice offers the practice actions (this page's first), each with the
// tenant's state now and what it will do, and does the one chosen. On a
// check page the page's checks then run again.
func (r *plainRunner) practice() (did bool, err error) {
	if err := r.s.CanAct(); err != nil {
		r.line(live.Words(err))
		return false, nil
	}
	acts := r.s.Actions()
	r.blank()
	r.para("", "", "Practice actions: what you would do in the Azure portal, done on the practice tenant (scenario "+
		r.st.Connection.Scenario+"). Break things and fix them, then run the checks again.")
	w := len(strconv.Itoa(len(acts)))
	for i, a := range acts {
		first := fmt.Sprintf("  %*d) ", w, i+1)
		pad := strings.Repeat(" ", len(first))
		title := a.Title
		if a.State != "" {
			title += " (now: " + a.State + ")"
		}
		r.para(first, pad, title)
		r.para(pad+"Will do: ", pad+"  ", a.Does)
	}
	var a live.Action
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
	j, err := r.s.Act(a.ID)
	if err != nil {
		r.para("", "  ", live.Words(err))
		return false, nil
	}
	r.drive(j)
	return true, r.ctx.Err()
}

// sync does Delinea's Save in the practice tenant: the password typed on the
// page is written to the mapped secret. It happens only on this command.
func (r *plainRunner) sync() error {
	if r.s.Value(steps.FieldPassword) == "" {
		if err := r.askField(steps.FieldPassword); err != nil {
			return err
		}
	}
	j, err := r.s.Sync()
	if err != nil {
		r.para("", "  ", live.Words(err))
		return nil
	}
	c := r.st.Connection
	name := c.SecretName
	if name == "" {
		name = live.DefaultSecretName
	}
	r.para("", "", "Saving in Delinea writes the password to Azure as "+name+" (a new version), with the app's own credentials. kvbridge does that write now in the practice vault.")
	r.drive(j)
	if err := r.ctx.Err(); err != nil {
		return err
	}
	return r.runPage()
}

func (r *plainRunner) target() string {
	c := r.st.Connection
	if c.Kind == steps.ConnPractice {
		return "the practice tenant"
	}
	return "your tenant " + r.s.Value(steps.FieldTenantID)
}

// printRow writes one result: status, ID and title on a line, then, for a
// result that did not pass, the cause and detail, the evidence and the fix,
// indented.
func (r *plainRunner) printRow(row live.Row, note string) {
	_, word := live.Mark(row.Status, false)
	styled := word
	switch row.Status {
	case steps.StatusPass:
		styled = r.sty.render(r.sty.good, word)
	case steps.StatusFail:
		styled = r.sty.render(r.sty.bad, word)
	case steps.StatusWarn:
		styled = r.sty.render(r.sty.warningNote, word)
	}
	lines := plainWrap(row.Title, r.width, fmt.Sprintf("%-4s  %s%s  ", word, row.ID, note), "      ")
	if len(lines) > 0 {
		lines[0] = strings.Replace(lines[0], word, styled, 1)
	}
	for _, l := range lines {
		r.write(l + "\n")
	}
	if d := row.CauseDetail(); strings.TrimSpace(d) != "" {
		r.para("      ", "      ", d)
	}
	if !row.Problem() {
		return
	}
	if row.Evidence != "" {
		r.para("      Evidence: ", "        ", row.Evidence)
	}
	r.printFix(row.FixLines(), "      ")
}

// printFix writes a fix's lines: commands whole, on lines of their own, so
// they copy; alternatives marked "Or".
func (r *plainRunner) printFix(lines []live.FixLine, ind string) {
	for _, l := range lines {
		switch l.Kind {
		case "do":
			r.para(ind+"Fix: ", ind+"  ", l.Text)
		case "portal":
			r.para(ind+"Portal: ", ind+"  ", l.Text)
		case "way":
			lead := "Either: "
			if l.Alternative {
				lead = "Or: "
			}
			text := l.Text
			if l.Cost != "" {
				text += " (cost: " + l.Cost + ")"
			}
			if strings.TrimSpace(text) != "" {
				r.para(ind+lead, ind+"  ", text)
			}
		case "az":
			r.write(ind + "$ " + l.Text + "\n")
		}
	}
}

// showVaults says which vaults ARM lists to the app (the nearest evidence of
// what Delinea's dropdown shows): the list, or why it is empty or lacks the
// vault.
func (r *plainRunner) showVaults(row live.Row) {
	vaults, listed := r.s.Vaults()
	if !listed {
		return
	}
	if len(vaults) == 0 {
		r.line("Vaults ARM lists to the app (what Delinea's dropdown most likely shows): none.")
	} else {
		r.line(fmt.Sprintf("Vaults ARM lists to the app (what Delinea's dropdown most likely shows): %d:", len(vaults)))
		for _, v := range vaults {
			r.para("  - ", "    ", fmt.Sprintf("%s (resource group %s, %s)", v.Name, v.ResourceGroup, v.URL))
		}
	}
	if row.Status == steps.StatusFail || row.Status == steps.StatusSkip {
		what := row.Title
		if row.Cause != "" {
			what = row.Cause + ": " + what
		}
		r.para("Diagnosis: ", "  ", what+". See arm.vaults above for the evidence and the fix.")
	}
	r.blank()
}

// ---- the review: the client secret's expiry ----

// expiry is the troubleshooting page's client secret expiry: the date known
// (read by credential.expiry, or given), else asked; then the .ics reminder,
// 30 days before.
func (r *plainRunner) expiry() error {
	r.line("The client secret's expiry:")
	if exp, words, read := r.s.Expiry(); exp != nil {
		how := "as you gave it"
		if read {
			how = "read by the credential.expiry check"
		}
		r.para("  ", "    ", fmt.Sprintf("It expires on %s (%s), %s.", exp.Format(live.ExpiryLayout), words, how))
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
			if err := r.s.SetField(steps.FieldSecretExpiry, ans); err != nil {
				r.line(live.Words(err) + " Please type it again, or press Enter to skip.")
				continue
			}
			r.refresh()
			exp, words, _ := r.s.Expiry()
			r.line(fmt.Sprintf("Expiry saved: %s (%s).", exp.Format(live.ExpiryLayout), words))
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
	path, err := r.s.ExportReminder(r.dir, live.ReminderStateDir(r.store))
	var ex *safefile.ExistsError
	if errors.As(err, &ex) && !ex.Dir {
		// Never replaced without asking: it may be another calendar file, or a
		// link planted to make kvbridge overwrite what it points to.
		what := "A file of that name is already there:"
		if ex.Symlink {
			what = "A symbolic link of that name is already there (replacing it replaces the link, never the file it points to):"
		}
		r.line(what)
		r.write("  " + path + "\n")
		for {
			ans, err := r.askLine("Replace it? [y/n] ")
			if err != nil {
				return err
			}
			yes, ok := plainYesNo(strings.ToLower(ans))
			if !ok {
				r.line("Please type y to replace it, or n to leave it.")
				continue
			}
			if !yes {
				r.line("Left as it is; no reminder written.")
				return nil
			}
			break
		}
		exp, _, _ := r.s.Expiry()
		err = live.ReplaceReminder(*exp, r.s.Value(steps.FieldClientID), r.now(), path)
	}
	if err != nil {
		r.line(r.sty.render(r.sty.warningNote, "The reminder could not be written: "+live.Words(err)))
		return nil
	}
	exp, _, _ := r.s.Expiry()
	r.line(fmt.Sprintf("Reminder for %s saved (import it into your calendar) to:", steps.ReminderDay(*exp, r.now())))
	r.write("  " + path + "\n") // whole on its own line, to copy
	return nil
}
