package tui

import (
	"fmt"
	"math"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/kvbridge/kvbridge/steps"
	"github.com/kvbridge/kvbridge/steps/azure"
	"github.com/kvbridge/kvbridge/tui/session"
)

// liveScreen reports whether the current screen has live content: a lesson's
// check screen, or the review's troubleshooting page (the secret's expiry).
func (m *Model) liveScreen() (steps.Screen, bool) {
	cur, _ := m.com.Mach.Current(m.state)
	if m.live == nil {
		return cur, false
	}
	return cur, cur.Kind == steps.ScreenCheck || cur.Kind == steps.ScreenTroubleshooting
}

// liveItems names the selectable rows of the current live screen, in order.
func (m *Model) liveItems() []string {
	lm := m.live
	if lm == nil {
		return nil
	}
	cur, ok := m.liveScreen()
	if !ok {
		return nil
	}
	if cur.Kind == steps.ScreenTroubleshooting {
		return []string{fExpiry, fExport}
	}
	if !m.state.Live() {
		return nil
	}
	switch cur.Section {
	case 0:
		its := []string{fTenant, fClient, fSecret}
		if m.state.Connection.Kind == steps.ConnTenant {
			its = append(its, fCloud)
		}
		return append(its, fVault, fRun)
	case 1:
		its := []string{fFilter}
		for i := range m.filteredVaults() {
			its = append(its, fmt.Sprintf("%s%d", vaultRow, i))
		}
		return append(its, fRun)
	case 2:
		its := []string{fSecretName, fMapUser}
		if lm.mapUser {
			its = append(its, fUsername)
		}
		its = append(its, fPassword)
		if m.state.Connection.Kind == steps.ConnPractice {
			its = append(its, fSave)
		}
		return append(its, fRun)
	}
	return nil
}

// filteredVaults is the vault list narrowed by the filter (case-insensitive,
// on name, resource group and subscription).
func (m *Model) filteredVaults() []azure.VaultInfo {
	lm := m.live
	q := strings.ToLower(strings.TrimSpace(lm.val(fFilter)))
	if q == "" {
		return lm.vaults
	}
	var out []azure.VaultInfo
	for _, v := range lm.vaults {
		if strings.Contains(strings.ToLower(v.Name+" "+v.ResourceGroup+" "+v.SubscriptionID+" "+v.Location), q) {
			out = append(out, v)
		}
	}
	return out
}

// ---- rendering ----

// connLabel says where the checks run, for the check screens' headings.
func (m *Model) connLabel() string {
	c := m.state.Connection
	switch c.Kind {
	case steps.ConnPractice:
		return "practice tenant · " + c.Scenario
	case steps.ConnTenant:
		return "your tenant"
	case steps.ConnOffline:
		return "course only (offline)"
	}
	return "not connected"
}

const labelW = 16

// fieldRow renders one form row: cursor, label, value and a short verdict,
// with the verdict's detail wrapped under it when there is a problem.
func (m *Model) fieldRow(b *lineBuf, items *[]span, sel, idx int, name, label string, p azure.InputProblem, okWords, hint string, w int) {
	lm := m.live
	start := b.n()
	on := idx == sel
	editing := lm.edit == name
	verdict, vs := "", m.com.Styles.Dim
	switch {
	case lm.fields[name].value() == "" && !editing && hint != "":
		verdict = hint
	case p.Cause == "" && okWords != "":
		verdict, vs = "✓ "+okWords, m.com.Styles.Right
	case p.Status == azure.StatusWarn:
		verdict, vs = "! fixed up", m.com.Styles.Warn
	case p.Cause != "":
		verdict, vs = "✗ "+p.Cause, m.com.Styles.Wrong
	}
	prefix := m.com.cursorMark(on) + m.com.Styles.Emph.Render(padRight(label, labelW)) + " "
	pw := 2 + labelW + 1
	vw := ansi.StringWidth(verdict)
	valW := max(8, w-pw-vw-2)
	if valW < 20 {
		valW = w - pw
	}
	val := lm.fields[name].view(valW, editing)
	vstyle := m.com.Styles.Text
	if editing {
		vstyle = m.com.Styles.Selected
	}
	line := prefix + vstyle.Render(val)
	if valW != w-pw {
		line += strings.Repeat(" ", max(2, w-pw-ansi.StringWidth(val)-vw)) + vs.Render(verdict)
		b.add(line)
	} else {
		b.add(line)
		if verdict != "" {
			b.add(strings.Repeat(" ", pw) + vs.Render(truncate(verdict, w-pw)))
		}
	}
	if p.Cause != "" && !(lm.fields[name].value() == "" && !editing && hint != "") {
		b.add(item(strings.Repeat(" ", pw), pw, p.Detail, w, m.com.Styles.Dim)...)
	}
	*items = append(*items, span{start, b.n() - 1})
}

// button renders an action row.
func (m *Model) button(b *lineBuf, items *[]span, sel, idx int, text, right string, w int) {
	on := idx == sel
	st := m.com.Styles.Text
	if on {
		st = m.com.Styles.Selected
	}
	start := b.n()
	b.add(m.com.row(m.com.cursorMark(on)+m.com.Styles.StepID.Render("▶")+" ", st.Render(text), right, w))
	*items = append(*items, span{start, b.n() - 1})
}

func (m *Model) liveCheckBody(sel int) body {
	cur, sec, w := m.com.Current(), m.com.Section(), m.com.ContentWidth()
	var b lineBuf
	lm := m.live
	ch := sec.Check
	b.add(m.com.heading(ch.Title, m.connLabel(), w)...)
	explains := ch.Explains
	if m.com.Height < 30 && m.state.Live() {
		// A short terminal keeps the form in sight: the first sentence only.
		if i := strings.Index(explains, ". "); i > 0 {
			explains = explains[:i+1]
		}
	}
	b.add(styled(explains, w, m.com.Styles.Dim)...)
	b.blank()
	if !m.state.Live() {
		b.add(m.com.Styles.Warn.Render("◌ No tenant connected"))
		b.add(styled("Press c to choose where the checks run: the built-in practice tenant (nothing leaves this machine) or your own Azure tenant. Until then, here is what will be checked.", w, m.com.Styles.Text)...)
		b.blank()
		b.add(m.com.Styles.Emph.Render("What will be checked"))
		for _, id := range ch.IDs {
			title := ""
			if info, ok := azure.Lookup(id); ok {
				title = info.Title
			}
			b.add(item("  · "+m.com.Styles.StepID.Render(id)+"  ", 6+ansi.StringWidth(id), title, w, m.com.Styles.Text)...)
		}
		return body{lines: b.lines}
	}
	if lm.starting {
		b.add(m.com.Styles.Warn.Render(spinSlot + " The practice tenant is starting…"))
		b.blank()
	} else if lm.startErr != "" {
		b.add(styled("✗ The practice tenant did not start: "+lm.startErr+" Press c to try again.", w, m.com.Styles.Wrong)...)
		b.blank()
	}
	var items []span
	its := m.liveItems()
	idx := func(name string) int {
		for i, it := range its {
			if it == name {
				return i
			}
		}
		return -1
	}
	switch cur.Section {
	case 0:
		b.add(m.com.Styles.Emph.Render("The app's credentials") + m.com.Styles.Dim.Render("  (1A, 1B; enter edits; the secret is never saved)"))
		secretP := azure.CheckClientSecret(lm.val(fSecret))
		secretOK := "a Value, not an ID"
		if lm.trimmed && secretP.Cause == "" {
			secretOK = "spaces removed"
		}
		m.fieldRow(&b, &items, sel, idx(fTenant), fTenant, "Tenant ID", azure.CheckTenantID(lm.val(fTenant)), "well formed", "Directory (tenant) ID", w)
		m.fieldRow(&b, &items, sel, idx(fClient), fClient, "Client ID", azure.CheckClientID(lm.val(fClient)), "a GUID", "Application (client) ID", w)
		m.fieldRow(&b, &items, sel, idx(fSecret), fSecret, "Client secret", secretP, secretOK, "the secret's Value", w)
		if i := idx(fCloud); i >= 0 {
			start := b.n()
			on := i == sel
			b.add(m.com.row(m.com.cursorMark(on)+m.com.Styles.Emph.Render(padRight("Cloud", labelW))+" ", lm.cloud, "space changes", w))
			items = append(items, span{start, b.n() - 1})
		}
		b.blank()
		b.add(m.com.Styles.Emph.Render("The vault") + m.com.Styles.Dim.Render("  (1C: name, URL or resource ID)"))
		m.fieldRow(&b, &items, sel, idx(fVault), fVault, "Vault", azure.CheckVault(lm.val(fVault)), "well formed", "none: list only", w)
	case 1:
		m.vaultPicker(&b, &items, sel, w)
	case 2:
		m.mappingForm(&b, &items, sel, idx, w)
	}
	b.blank()
	m.button(&b, &items, sel, idx(fRun), "Run the checks", m.runHint(), w)
	b.blank()
	m.resultsBlock(&b, ch.IDs, cur.Section == 1, w)
	if cur.Section == 0 {
		m.tokenBlock(&b, w)
	}
	return body{lines: b.lines, items: items, choose: "edit/choose"}
}

func (m *Model) runHint() string {
	lm := m.live
	switch {
	case lm.watch && !lm.running && !lm.watchAt.IsZero():
		secs := int(math.Ceil(time.Until(lm.watchAt).Seconds()))
		return fmt.Sprintf("watching · next run in %d s · w stops", max(0, secs))
	case lm.watch:
		return "watching · w stops"
	case lm.running, lm.syncing:
		return "running · esc stops"
	}
	return "r · w watches"
}

// vaultPicker is "the vaults ARM lists to the app", the nearest evidence of what
// Delinea's dropdown can show (how Delinea lists vaults is not documented): the listed vaults, or
// the empty dropdown's diagnosis.
func (m *Model) vaultPicker(b *lineBuf, items *[]span, sel, w int) {
	lm := m.live
	target := m.state.Connection.Vault
	if target == "" {
		target = "(none named)"
	}
	b.add(m.com.heading("Vaults ARM lists to the app (what Delinea's dropdown most likely shows)", "target: "+target, w)...)
	m.fieldRow(b, items, sel, 0, fFilter, "Filter  /", azure.InputProblem{}, "", "type to narrow the list", w)
	vaults := m.filteredVaults()
	switch {
	case !lm.listed && lm.running:
		b.add("  " + spinSlot + m.com.Styles.Dim.Render(" listing the vaults as Delinea would…"))
	case !lm.listed:
		b.add(styled("  Not listed yet: run the checks (r) to list the vaults ARM shows the app, subscription by subscription.", w, m.com.Styles.Dim)...)
	case len(lm.vaults) == 0:
		b.add(m.com.Styles.Wrong.Render("  ✗ (the dropdown is empty)"))
	case len(vaults) == 0:
		b.add(m.com.Styles.Dim.Render(fmt.Sprintf("  No vault matches the filter (%d listed).", len(lm.vaults))))
	}
	nameW := 0
	for _, v := range vaults {
		nameW = max(nameW, ansi.StringWidth(v.Name))
	}
	for i, v := range vaults {
		on := i+1 == sel
		picked := strings.EqualFold(v.Name, m.state.Connection.Vault) || strings.EqualFold(v.ID, m.state.Connection.Vault)
		mark := m.com.Styles.Box.Render("( )")
		if picked {
			mark = m.com.Styles.Checked.Render("(•)")
		}
		model := "access policies"
		if v.RBAC == nil || *v.RBAC {
			model = "RBAC"
		}
		right := v.ResourceGroup + " · " + model
		if v.Location != "" {
			right = v.Location + " · " + right
		}
		start := b.n()
		st := m.com.Styles.Text
		if on {
			st = m.com.Styles.Selected
		}
		b.add(m.com.row(m.com.cursorMark(on)+mark+" ", st.Render(padRight(v.Name, nameW)), right, w))
		*items = append(*items, span{start, b.n() - 1})
	}
	if r, ok := lm.results["arm.vaults"]; ok && r.Status == azure.StatusFail {
		b.blank()
		head := "Why the dropdown is empty"
		if r.Cause == "target-not-listed" {
			head = "Why your vault is not in the dropdown"
		}
		b.add(m.com.Styles.Wrong.Render("✗ "+head) + m.com.Styles.Dim.Render("  (most likely cause first)"))
		m.resultDetail(b, r, 2, w)
	}
}

// mappingForm is section 3's external secret: the name, the field mapping,
// the password (to save in the practice tenant, or to compare).
func (m *Model) mappingForm(b *lineBuf, items *[]span, sel int, idx func(string) int, w int) {
	lm := m.live
	practice := m.state.Connection.Kind == steps.ConnPractice
	vault := m.state.Connection.Vault
	if vault == "" {
		vault = "none picked: section 2 lists them"
	}
	b.add(m.com.heading("The external secret in Delinea", "vault: "+vault, w)...)
	m.fieldRow(b, items, sel, idx(fSecretName), fSecretName, "Secret name", azure.CheckSecretName(lm.val(fSecretName)), "Key Vault accepts it", "", w)
	b.add("  " + m.com.Styles.Emph.Render(padRight("Password", labelW)) + " " + m.com.Styles.Text.Render("→ the secret's Value") + m.com.Styles.Dim.Render("  (always)"))
	start := b.n()
	on := idx(fMapUser) == sel
	b.add(m.com.cursorMark(on) + m.com.Styles.Emph.Render(padRight("Username", labelW)) + " " + m.com.checkbox(lm.mapUser) + " " +
		m.com.Styles.Text.Render("→ tag \"username\"") + m.com.Styles.Dim.Render("  (optional; space toggles)"))
	*items = append(*items, span{start, b.n() - 1})
	if i := idx(fUsername); i >= 0 {
		m.fieldRow(b, items, sel, i, fUsername, "  its value", azure.InputProblem{}, "", "the Delinea Username", w)
	}
	label, hint := "Compare with", "optional: the Delinea password"
	if practice {
		label, hint = "Password to save", "as Delinea holds it"
	}
	m.fieldRow(b, items, sel, idx(fPassword), fPassword, label, azure.InputProblem{}, "", hint, w)
	if practice {
		b.add(item("  ", 2, "Typed only to save (and compare); compared by SHA-256, never shown, never stored.", w, m.com.Styles.Dim)...)
		m.button(b, items, sel, idx(fSave), "Save (sync as Delinea would)", "writes a new version", w)
	} else {
		b.add(item("  ", 2, "Save the secret in Delinea first, then run the checks. The password is compared by SHA-256, never shown, never stored.", w, m.com.Styles.Dim)...)
	}
	switch {
	case lm.syncing:
		b.add("  " + spinSlot + m.com.Styles.Dim.Render(" saving as Delinea would…"))
	case lm.sync != nil:
		r := lm.sync.Result
		b.blank()
		if lm.sync.OK() {
			b.add(item(m.com.Styles.Right.Render("✓ Sync: "), 8, r.Title, w, m.com.Styles.Right)...)
			if r.Detail != "" {
				b.add(item("  ", 2, r.Detail, w, m.com.Styles.Dim)...)
			}
		} else {
			b.add(item(m.com.Styles.Wrong.Render("✗ Sync refused: "), 16, r.Title, w, m.com.Styles.Wrong)...)
			m.resultDetail(b, r, 2, w)
		}
	}
}

// resultsBlock lists a section's checks: live results, a spinner for those
// still running, the saved outcome of an earlier run.
func (m *Model) resultsBlock(b *lineBuf, ids []string, diagnosed bool, w int) {
	lm := m.live
	done, passed := 0, 0
	for _, id := range ids {
		if r, ok := lm.results[id]; ok {
			done++
			if (steps.CheckMark{Status: string(r.Status), Cause: r.Cause}).Passed() {
				passed++
			}
		}
	}
	right := ""
	switch {
	case lm.running:
		right = fmt.Sprintf("run %d · %s %d of %d done", lm.attempt, spinSlot, done, len(ids))
	case done > 0:
		right = fmt.Sprintf("run %d · %d of %d passed", lm.attempt, passed, len(ids))
	}
	b.add(m.com.heading("Results", right, w)...)
	if lm.runErr != "" {
		b.add(styled("✗ The checks could not start: "+lm.runErr, w, m.com.Styles.Wrong)...)
	}
	idw := 0
	for _, id := range ids {
		idw = max(idw, len(id))
	}
	for _, id := range ids {
		r, ok := lm.results[id]
		switch {
		case ok:
			sym, word, st := m.statusMark(string(r.Status))
			prefix := "  " + st.Render(sym+" "+padRight(word, 4)) + "  " + m.com.Styles.StepID.Render(padRight(id, idw)) + "  "
			pw := 2 + 2 + 4 + 2 + idw + 2
			if w-pw < 24 {
				b.add(prefix)
				b.add(item("    ", 4, r.Title, w, m.com.Styles.Text)...)
			} else {
				b.add(item(prefix, pw, r.Title, w, m.com.Styles.Text)...)
			}
			switch {
			case diagnosed && id == "arm.vaults" && r.Status == azure.StatusFail:
				b.add(item(strings.Repeat(" ", 10), 10, "The diagnosis above says why, and what to do.", w, m.com.Styles.Dim)...)
			case r.Status == azure.StatusFail || r.Status == azure.StatusWarn:
				m.resultDetail(b, r, 10, w)
			}
		case lm.running:
			b.add("  " + spinSlot + " " + m.com.Styles.Dim.Render(padRight("…", 4)) + "  " + m.com.Styles.StepID.Render(padRight(id, idw)) + "  " + m.com.Styles.Dim.Render("checking"))
		default:
			word, st, sym := "not run yet", m.com.Styles.Dim, "·"
			if cm, ok := m.state.Checks[id]; ok {
				s, wd, sst := m.statusMark(cm.Status)
				sym, st = s, sst
				word = wd + " (earlier run; r runs it again)"
				if cm.Cause != "" {
					word = wd + ": " + cm.Cause + " (earlier run)"
				}
			}
			b.add("  " + st.Render(sym) + " " + padRight("", 4) + "  " + m.com.Styles.StepID.Render(padRight(id, idw)) + "  " + m.com.Styles.Dim.Render(truncate(word, max(4, w-12-idw))))
		}
	}
}

func (m *Model) statusMark(status string) (string, string, lipgloss.Style) {
	switch status {
	case steps.StatusPass:
		return "✓", "pass", m.com.Styles.Right
	case steps.StatusWarn:
		return "!", "warn", m.com.Styles.Warn
	case steps.StatusFail:
		return "✗", "fail", m.com.Styles.Wrong
	}
	return "–", "skip", m.com.Styles.Dim
}

// resultDetail is what a failed or warned check says: the detail, the
// evidence, and the fix (portal path and az commands with the real IDs).
func (m *Model) resultDetail(b *lineBuf, r azure.Result, indent, w int) {
	pad := strings.Repeat(" ", indent)
	if r.Detail != "" {
		b.add(item(pad, indent, r.Detail, w, m.com.Styles.Text)...)
	}
	if ev := evidenceLine(r); ev != "" {
		b.add(item(pad+m.com.Styles.Dim.Render("Evidence: "), indent+10, ev, w, m.com.Styles.Dim)...)
	}
	if f := r.Fix; f != nil {
		b.add(item(pad+m.com.Styles.Emph.Render("Fix: "), indent+5, f.Summary, w, m.com.Styles.Text)...)
		if f.Portal != "" {
			b.add(item(pad+m.com.Styles.Dim.Render("Portal: "), indent+8, f.Portal, w, m.com.Styles.Dim)...)
		}
		for _, c := range f.Az {
			// Broken at spaces only, never inside an ID, so each piece copies whole.
			for i, l := range wrapWords(c, max(10, w-indent-2)) {
				lead := pad + m.com.Styles.StepID.Render("$ ")
				if i > 0 {
					lead = pad + "    "
				}
				b.add(lead + m.com.Styles.Text.Render(l))
			}
		}
	}
}

// evidenceLine puts a result's evidence on one line (codes and IDs only).
func evidenceLine(r azure.Result) string {
	e := r.Evidence
	var parts []string
	add := func(k, v string) {
		if v != "" {
			parts = append(parts, k+v)
		}
	}
	if r.Cause != "" {
		add("cause ", r.Cause)
	}
	if e.AADSTS != 0 {
		add("", fmt.Sprintf("AADSTS%d", e.AADSTS))
	}
	if e.HTTPStatus != 0 {
		add("HTTP ", fmt.Sprint(e.HTTPStatus))
	}
	add("", e.ErrorCode)
	add("", e.InnerCode)
	add("missing ", e.Action)
	add("scope ", e.Scope)
	add("request ", e.RequestID)
	add("trace ", e.TraceID)
	if len(e.DataActions) > 0 {
		add("data actions ", strings.Join(e.DataActions, ", "))
	}
	return strings.Join(parts, " · ")
}

// tokenBlock is the readout of the token auth.token obtained: whose it is
// and until when, never the token.
func (m *Model) tokenBlock(b *lineBuf, w int) {
	r, ok := m.live.results["auth.token"]
	if !ok || r.Status != azure.StatusPass {
		return
	}
	e := r.Evidence
	b.blank()
	b.add(m.com.Styles.Emph.Render("The token") + m.com.Styles.Dim.Render("  (what Entra ID issued; the token itself is never shown)"))
	row := func(k, v string) {
		if v != "" {
			b.add(item("  "+m.com.Styles.Dim.Render(padRight(k, 12)), 14, v, w, m.com.Styles.Text)...)
		}
	}
	row("Tenant", e.TokenTenant)
	row("App ID", e.AppID)
	row("Object ID", e.ObjectID+"  (the service principal roles are assigned to)")
	if e.TokenExpires != nil {
		row("Valid until", e.TokenExpires.Local().Format("15:04 MST, 2 Jan 2006"))
	}
}

// expiryBlock is section 4's client secret expiry and its reminder.
func (m *Model) expiryBlock(b *lineBuf, items *[]span, sel, w int) {
	lm := m.live
	b.blank()
	how := "type it as YYYY-MM-DD (Certificates & secrets › Expires)"
	if r, ok := lm.results["credential.expiry"]; session.ExpiryReadByCheck(r, ok) {
		how = "read by the credential.expiry check"
	} else if m.state.Connection.SecretExpires != nil {
		how = "as you gave it"
	}
	b.add(m.com.Styles.Callout[steps.KindTip].Render(calloutLabels[steps.KindTip]) + "  " + m.com.Styles.Emph.Render("The client secret's expiry"))
	p := azure.InputProblem{}
	if v := strings.TrimSpace(lm.val(fExpiry)); v != "" {
		if _, err := time.Parse("2006-01-02", v); err != nil {
			p = azure.InputProblem{Cause: "not a date", Status: azure.StatusFail, Detail: "Type the date as YYYY-MM-DD, for example 2027-05-31."}
		}
	}
	words := ""
	if exp := m.state.Connection.SecretExpires; exp != nil {
		words = session.ExpiryWords(*exp, m.state.UpdatedAt) // the last change: a stable "now" for rendering
	}
	m.fieldRow(b, items, sel, 0, fExpiry, "Expires on", p, words, "not known yet", w)
	b.add(item("  "+strings.Repeat(" ", labelW+1), labelW+3, how+".", w, m.com.Styles.Dim)...)
	right := "e"
	if exp := m.state.Connection.SecretExpires; exp != nil {
		right = "e · on " + steps.ReminderDay(*exp, m.state.UpdatedAt)
	}
	m.button(b, items, sel, 1, "Export a calendar reminder (.ics), 30 days before", right, w)
}

// chooserBody asks where the live checks run.
func (m *Model) chooserBody(sel int) body {
	w := m.com.ContentWidth()
	var b lineBuf
	b.add(m.com.heading("Where should the live checks run?", "c changes it later", w)...)
	b.add(styled("Each section ends with a live check of your work. Choose what it looks at: the built-in practice tenant (nothing leaves this machine), your own Azure tenant, or no checks at all.", w, m.com.Styles.Dim)...)
	b.blank()
	var items []span
	es := m.chooserEntries()
	cur := m.state.Connection
	headed := map[string]bool{}
	for i, e := range es {
		if !headed[e.kind] && e.kind == steps.ConnPractice {
			b.add(m.com.Styles.Emph.Render("The practice tenant") + m.com.Styles.Dim.Render("  (built in; each scenario breaks one thing)"))
			headed[e.kind] = true
		}
		if e.kind != steps.ConnPractice && !headed["other"] {
			b.blank()
			b.add(m.com.Styles.Emph.Render("Or"))
			headed["other"] = true
		}
		on := i == sel
		st := m.com.Styles.Text
		if on {
			st = m.com.Styles.Selected
		}
		isCur := cur.Kind == e.kind && (e.kind != steps.ConnPractice || cur.Scenario == e.scenario.Name)
		mark := m.com.Styles.Box.Render("( )")
		if isCur {
			mark = m.com.Styles.Checked.Render("(•)")
		}
		start := b.n()
		var title, more, right string
		switch e.kind {
		case steps.ConnPractice:
			title = padRight(e.scenario.Name, 19) + " " + e.scenario.Title
			more = e.scenario.Teaches
			if e.scenario.Name == "healthy" {
				right = "default"
			}
		case steps.ConnTenant:
			title = "Your own Azure tenant"
			more = "Section 1's check asks for the tenant ID, client ID and client secret (AZURE_CLIENT_SECRET fills it; it is never saved). The checks only read, except a write you ask for."
		case steps.ConnOffline:
			title = "The course only, no live checks"
			more = "Everything but the live checks; progress counts tasks, quizzes and acknowledgements."
		}
		if isCur {
			right = "current"
		}
		prefix := m.com.cursorMark(on) + mark + " "
		if ansi.StringWidth(title)+2+ansi.StringWidth(right) <= w-6 {
			b.add(m.com.row(prefix, st.Render(title), right, w))
		} else {
			// Too long for one line: the title wraps under itself, never cut.
			hang := 6
			if e.kind == steps.ConnPractice {
				prefix += st.Render(padRight(e.scenario.Name, 19)) + " "
				hang, title = 6+20, e.scenario.Title
			}
			if right != "" {
				title += " (" + right + ")"
			}
			b.add(item(prefix, hang, title, w, st)...)
		}
		if on {
			b.add(item(strings.Repeat(" ", 6), 6, more, w, m.com.Styles.Dim)...)
		}
		items = append(items, span{start, b.n() - 1})
	}
	b.blank()
	b.add(styled("enter chooses · esc closes", w, m.com.Styles.Dim)...)
	return body{lines: b.lines, items: items, choose: "choose"}
}

// practiceBody is the menu of the portal's actions on the practice tenant.
func (m *Model) practiceBody(sel int) body {
	w := m.com.ContentWidth()
	var b lineBuf
	b.add(m.com.heading("Practice actions", "practice tenant · "+m.state.Connection.Scenario, w)...)
	b.add(styled("What you would do in the Azure portal, done on the practice tenant. Break things and fix them, then re-run the checks.", w, m.com.Styles.Dim)...)
	b.blank()
	var items []span
	for i, a := range m.practiceMenu() {
		on := i == sel
		st := m.com.Styles.Text
		if on {
			st = m.com.Styles.Selected
		}
		start := b.n()
		b.add(item(m.com.cursorMark(on)+m.com.Styles.StepID.Render("▶")+" ", 4, a.Title, w, st)...)
		if on {
			b.add(item(strings.Repeat(" ", 4), 4, "Will do: "+a.Does, w, m.com.Styles.Dim)...)
		}
		items = append(items, span{start, b.n() - 1})
	}
	b.blank()
	b.add(styled("enter does it · esc closes", w, m.com.Styles.Dim)...)
	return body{lines: b.lines, items: items, choose: "do it"}
}

// spinSlot stands for the spinner in rendered bodies: one private-use rune,
// one cell wide like every frame of the spinner. compose swaps in the current
// frame, so a spinner tick costs a compose, not a render of the whole body.
const spinSlot = "\uE000"

// wrapWords breaks s at spaces into lines of at most width cells; a word
// longer than the width gets a line of its own (cut only if it must be).
func wrapWords(s string, width int) []string {
	var out []string
	line := ""
	for _, word := range strings.Fields(s) {
		switch {
		case line == "":
			line = word
		case ansi.StringWidth(line)+1+ansi.StringWidth(word) <= width:
			line += " " + word
		default:
			out = append(out, line)
			line = word
		}
	}
	if line != "" {
		out = append(out, line)
	}
	for i := 0; i < len(out); i++ {
		if l := out[i]; ansi.StringWidth(l) > width {
			// An over-long word (a resource ID) goes on at a path separator,
			// so that names and GUIDs between the slashes stay whole.
			pieces := splitPath(l, width)
			more := make([]string, 0, len(pieces)-1)
			for _, p := range pieces[1:] {
				more = append(more, "  "+p)
			}
			out = append(out[:i], append(append([]string{pieces[0]}, more...), out[i+1:]...)...)
			i += len(more)
		}
	}
	return out
}

// splitPath cuts s into pieces of at most width cells (the pieces after the
// first at most width-2: they are indented), before a "/" where it can,
// else at the width.
func splitPath(s string, width int) []string {
	var out []string
	limit := width
	for ansi.StringWidth(s) > limit && limit > 1 {
		head := ansi.Truncate(s, limit, "")
		cut := strings.LastIndex(head, "/")
		if cut <= 0 {
			cut = len(head)
		}
		out = append(out, s[:cut])
		s = s[cut:]
		limit = width - 2
	}
	return append(out, s)
}

// fixCommands are the az commands of the checks that failed or warned, in
// catalogue order: what a user pastes into a shell.
func (m *Model) fixCommands(ids []string) []string {
	var out []string
	for _, id := range ids {
		r, ok := m.live.results[id]
		if !ok || r.Fix == nil || (r.Status != azure.StatusFail && r.Status != azure.StatusWarn) {
			continue
		}
		if !r.Fix.Alternatives() {
			out = append(out, r.Fix.Az...)
			continue
		}
		// Alternatives: pasting both would run both, so each way's commands
		// are copied commented out, under what it costs; the user uncomments one.
		for i, w := range r.Fix.Ways {
			lead := "# or: "
			if i == 0 {
				lead = "# Either: "
			}
			out = append(out, lead+w.Text+" (cost: "+w.Cost+")")
			for _, c := range w.Az {
				out = append(out, "# "+c)
			}
		}
	}
	return out
}

// copyFixes puts the fix commands on the clipboard through the terminal
// (OSC 52). A long az command wraps on screen; copied, it stays whole.
func (m *Model) copyFixes(ids []string) tea.Cmd {
	cmds := m.fixCommands(ids)
	if len(cmds) == 0 {
		m.status = "Nothing to copy: no check on this screen has a fix to run."
		return nil
	}
	m.status = fmt.Sprintf("Copied %s to the clipboard (terminals without OSC 52 ignore it; the commands are also shown above).",
		plural(len(cmds), "az command"))
	return tea.SetClipboard(strings.Join(cmds, "\n") + "\n")
}
