package tui

import (
	"fmt"
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/kvbridge/kvbridge/steps"
	"github.com/kvbridge/kvbridge/steps/azure"
	"github.com/kvbridge/kvbridge/steps/live"
	"github.com/kvbridge/kvbridge/tui/internal/wrap"
)

// Drawing the live session's pages: field rows, result rows with their
// evidence and fixes, the vault list, the token, the expiry. Each draws
// what the session says; none decides anything.

// labelWidth is the width of a form's label column: its longest label and a space,
// within 16 and 20 cells (28 on a screen 100 wide or more).
func labelWidth(fs []live.Field, w int) int {
	// The column leaves at least two spaces before the value; a label that
	// would not fit goes on over two lines rather than take the value's room on
	// a narrow screen.
	limit := 20
	if w >= 100 {
		limit = 28
	}
	lw := 16
	for _, f := range fs {
		lw = max(lw, min(limit, ansi.StringWidth(f.Label)+1))
	}
	return lw
}

// fieldRow draws one field: cursor, label, value and a short verdict, with
// the verdict's detail under it when there is a problem.
func (c *Common) fieldRow(b *lineBuf, f live.Field, value *field, on, editing bool, labelW, w int) {
	st := c.Styles
	verdict, vs := "", st.Dim
	p := f.Problem
	switch {
	case editing:
		// What is typed is checked when the edit ends; the verdict of the
		// value before it would mislead.
	case f.Value == "" && f.Hint != "":
		verdict = f.Hint
	case p.Status == "" && p.Detail != "":
		verdict, vs = "✓ "+p.Detail, st.Right
	case p.Status == "" && f.Value != "" && len(f.Choices) == 0:
		verdict, vs = "✓", st.Right
	case p.Status == azure.StatusWarn:
		verdict, vs = "! "+p.Cause, st.Warn
	case p.Cause != "":
		verdict, vs = "✗ "+p.Cause, st.Wrong
	}
	// A label longer than its column goes on over the next lines, in the column,
	// so it never runs into the value.
	labels := []string{f.Label}
	if ansi.StringWidth(f.Label) >= labelW {
		labels = wrap.Text(f.Label, labelW-1)
	}
	prefix := c.cursorMark(on) + st.Emph.Render(padRight(truncate(labels[0], labelW), labelW)) + " "
	pw := 2 + labelW + 1
	vw := ansi.StringWidth(verdict)
	valW := max(8, w-pw-vw-2)
	if fw := ansi.StringWidth(f.Value); valW < 20 || !editing && len(f.Choices) == 0 && fw > valW && fw <= w-pw {
		// The verdict goes under the value rather than cut it: a GUID
		// shown with "…" can be neither checked nor copied.
		valW = w - pw
	}
	var val string
	switch {
	case value != nil:
		val = value.view(valW, editing)
	case len(f.Choices) > 0:
		val = f.Value + "  (space changes)"
	default:
		val = truncate(f.Value, valW)
		if f.Name == steps.FieldVault && ansi.StringWidth(f.Value) > valW && valW > 1 {
			val = ansi.TruncateLeft(f.Value, ansi.StringWidth(f.Value)-(valW-1), "…")
		}
	}
	vstyle := st.Text
	if editing {
		vstyle = st.Selected
	}
	// under holds what goes below the row, from the value's column: the verdict
	// when it does not fit beside the value (whole, wrapped: a hint cut short
	// hides what the field wants), then a problem's detail.
	var under []string
	line := prefix + vstyle.Render(val)
	switch {
	case valW != w-pw:
		line += strings.Repeat(" ", max(2, w-pw-ansi.StringWidth(val)-vw)) + vs.Render(verdict)
	case verdict != "":
		vl := wrap.Text(verdict, w-pw)
		if ansi.StringWidth(val) == 0 {
			// Nothing typed yet: the hint takes the value's place.
			line += vs.Render(vl[0])
			vl = vl[1:]
		}
		for _, l := range vl {
			under = append(under, vs.Render(l))
		}
	}
	b.add(line)
	if p.Cause != "" && p.Detail != "" && f.Value != "" && !editing {
		for _, l := range wrap.Text(p.Detail, w-pw) {
			under = append(under, st.Dim.Render(l))
		}
	}
	for i := 0; i < max(len(labels)-1, len(under)); i++ {
		left := strings.Repeat(" ", pw)
		if i+1 < len(labels) {
			left = "  " + st.Emph.Render(padRight(truncate(labels[i+1], labelW), labelW)) + " "
		}
		if i < len(under) {
			left += under[i]
		}
		b.add(left)
	}
}

// statusStyle is a status's style; its symbol and word come from live.Mark.
func (c *Common) statusStyle(status string) lipgloss.Style {
	switch status {
	case steps.StatusPass:
		return c.Styles.Right
	case steps.StatusWarn:
		return c.Styles.Warn
	case steps.StatusFail:
		return c.Styles.Wrong
	}
	return c.Styles.Dim
}

// resultRows draws result rows: mark, word, ID and title; under a problem,
// its detail, evidence and fix. running marks the rows still to come.
func (c *Common) resultRows(b *lineBuf, rows []live.Row, running bool, w int) {
	st := c.Styles
	idw := 0
	for _, r := range rows {
		idw = max(idw, ansi.StringWidth(r.ID))
	}
	for _, r := range rows {
		sym, word := live.Mark(r.Status, false)
		style := c.statusStyle(r.Status)
		switch {
		case r.Status == live.NotRun && running:
			b.add("  " + spinSlot + " " + st.Dim.Render(padRight("…", 7)) + "  " + st.StepID.Render(padRight(r.ID, idw)) + "  " + st.Dim.Render("checking"))
			continue
		case r.Status == live.NotRun:
			b.add(item("  "+st.Dim.Render(sym+" "+padRight(word, 7))+"  "+st.StepID.Render(padRight(r.ID, idw))+"  ", 2+2+7+2+idw+2, r.Title, w, st.Dim)...)
			continue
		}
		prefix := "  " + style.Render(sym+" "+padRight(word, 7)) + "  " + st.StepID.Render(padRight(r.ID, idw)) + "  "
		pw := 2 + 2 + 7 + 2 + idw + 2
		title := r.Title
		if r.Earlier {
			title += " (earlier run; r runs it again)"
		}
		if r.Needed {
			title += " (needed by this page's checks)"
		}
		if w-pw < 24 {
			b.add(prefix)
			b.add(item("    ", 4, title, w, st.Text)...)
		} else {
			b.add(item(prefix, pw, title, w, st.Text)...)
		}
		if r.Problem() || r.Status == steps.StatusSkip && r.Detail != "" {
			c.rowDetail(b, r, 6, w)
		}
	}
}

// rowDetail is what a row that did not pass says: why (cause and detail),
// the evidence, and the fix, alternatives marked with what each costs.
func (c *Common) rowDetail(b *lineBuf, r live.Row, indent, w int) {
	st := c.Styles
	pad := strings.Repeat(" ", indent)
	if d := r.CauseDetail(); d != "" {
		b.add(item(pad, indent, d, w, st.Text)...)
	}
	if r.Evidence != "" {
		b.add(item(pad+st.Dim.Render("Evidence: "), indent+10, r.Evidence, w, st.Dim)...)
	}
	for _, l := range r.FixLines() {
		switch l.Kind {
		case "do":
			b.add(item(pad+st.Emph.Render("Fix: "), indent+5, l.Text, w, st.Text)...)
		case "portal":
			b.add(item(pad+st.Dim.Render("Portal: "), indent+8, l.Text, w, st.Dim)...)
		case "way":
			lead := "Either: "
			if l.Alternative {
				lead = "Or: "
			}
			b.add(item(pad+st.Emph.Render(lead), indent+len(lead), l.Text+costNote(l.Cost), w, st.Text)...)
		case "az":
			// Broken at spaces and slashes only, never inside an ID, so each
			// piece copies whole (y copies the command whole).
			for i, piece := range wrapWords(l.Text, max(10, w-indent-4)) {
				lead := pad + st.StepID.Render("$ ")
				if i > 0 {
					lead = pad + "    "
				}
				b.add(lead + st.Text.Render(piece))
			}
		}
	}
	if r.Status == steps.StatusSkip && r.Detail == "" {
		b.add(item(pad, indent, "Skipped: a check it depends on did not pass, or it does not apply to this setup.", w, st.Dim)...)
	}
}

// checkBody draws the live check page.
func (lm *liveModel) checkBody(sel int) body {
	m := lm.m
	c, st, lm := m.com, m.com.Styles, m.live
	w := c.ContentWidth()
	p, _ := lm.s.Page()
	var b lineBuf
	b.add(c.heading(p.Title, lm.s.Describe(), w)...)
	explains := p.Explains
	if c.Height < 30 && m.state.Live() {
		// A short terminal keeps the form in sight: the first sentence only.
		if i := strings.Index(explains, ". "); i > 0 {
			explains = explains[:i+1]
		}
	}
	b.add(styled(explains, w, st.Dim)...)
	b.blank()
	if !m.state.Live() {
		b.add(st.Warn.Render("◌ No tenant connected"))
		b.add(styled("Press c to choose where the checks run: the built-in practice tenant (nothing leaves this machine) or your own Azure tenant. From a shell, kvbridge doctor runs them all at once. Until then, here is what will be checked.", w, st.Text)...)
		b.blank()
		b.add(st.Emph.Render("What will be checked"))
		c.resultRows(&b, lm.s.Rows(p.IDs), false, w)
		return body{lines: b.lines}
	}
	status := lm.s.Status()
	switch {
	case status.Starting:
		b.add(st.Warn.Render(spinSlot + " The practice tenant is starting…"))
		b.blank()
	case status.StartErr != nil:
		b.add(styled("✗ The practice tenant did not start: "+live.Words(status.StartErr)+" Press c to try again.", w, st.Wrong)...)
		b.blank()
	}
	var items []span
	its := lm.items()
	add := func(name string, draw func(on bool)) {
		i := -1
		for j, it := range its {
			if it == name {
				i = j
			}
		}
		start := b.n()
		draw(i == sel && m.over == nil)
		if i >= 0 {
			items = append(items, span{start, b.n() - 1})
		}
	}
	fields := lm.s.Fields(p)
	if len(fields) > 0 {
		b.add(item(st.Emph.Render("What the checks use")+"  ", 21, "(enter edits; secrets are never saved)", w, st.Dim)...)
	}
	for _, f := range fields {
		f := f
		add(f.Name, func(on bool) {
			var buf *field
			if lm.edit == f.Name {
				buf = lm.fields[f.Name]
			}
			c.fieldRow(&b, f, buf, on, lm.edit == f.Name, labelWidth(fields, w), w)
		})
	}
	if p.VaultPicker {
		if len(fields) > 0 {
			b.blank()
		}
		m.live.vaultPicker(&b, add, w)
	}
	if p.Sync && m.state.Connection.Kind == steps.ConnPractice {
		b.blank()
		add(rowSync, func(on bool) {
			b.add(c.row(c.cursorMark(on)+st.StepID.Render("▶")+" ", c.pick(on).Render("Save in Delinea (sync the password to the vault)"), "writes a new version", w))
		})
		if r, ok := lm.s.SyncRow(); ok {
			if r.Status == steps.StatusPass {
				b.add(item(st.Right.Render("  ✓ Sync: "), 10, r.Title, w, st.Right)...)
			} else {
				b.add(item(st.Wrong.Render("  ✗ Sync refused: "), 18, r.Title, w, st.Wrong)...)
				c.rowDetail(&b, r, 4, w)
			}
		}
		if status.Syncing {
			b.add("  " + spinSlot + st.Dim.Render(" saving as Delinea would…"))
		}
	}
	b.blank()
	add(rowRun, func(on bool) {
		b.add(c.row(c.cursorMark(on)+st.StepID.Render("▶")+" ", c.pick(on).Render("Run the checks"), m.live.runHint(), w))
	})
	b.blank()
	rows := lm.s.Rows(p.IDs)
	t := live.TallyRows(rows)
	right := ""
	switch {
	case status.Running:
		right = fmt.Sprintf("run %d · %s %d of %d done", status.Attempt, spinSlot, t.Ran(), t.Total())
	case t.Ran() > 0:
		right = t.Words()
	}
	b.add(c.heading("Results", right, w)...)
	if status.RunErr != nil {
		b.add(styled("✗ The checks could not start: "+live.Words(status.RunErr), w, st.Wrong)...)
	}
	c.resultRows(&b, rows, status.Running, w)
	m.live.tokenBlock(&b, rows, w)
	return body{lines: b.lines, items: items, choose: "edit/choose"}
}

// vaultPicker lists the vaults ARM lists to the app (the nearest evidence of
// what Delinea's dropdown can show), with a filter.
func (lm *liveModel) vaultPicker(b *lineBuf, add func(string, func(bool)), w int) {
	m := lm.m
	c, st, lm := m.com, m.com.Styles, m.live
	target := lm.s.Value(steps.FieldVault)
	if i := strings.LastIndex(target, "/vaults/"); i >= 0 {
		target = target[i+len("/vaults/"):] // a resource ID: its name
	}
	if target == "" {
		target = "(none named)"
	}
	b.add(c.heading("Vaults ARM lists to the app (what Delinea's dropdown most likely shows)", "target: "+target, w)...)
	add(filterField, func(on bool) {
		f := live.Field{Name: filterField, Label: "Filter  /", Hint: "type to narrow the list", Value: lm.filter.value()}
		c.fieldRow(b, f, lm.filter, on, lm.edit == filterField, 16, w)
	})
	all, listed := lm.s.Vaults()
	vaults := lm.vaults()
	switch {
	case !listed && lm.s.Status().Running:
		b.add("  " + spinSlot + st.Dim.Render(" listing the vaults as Delinea would…"))
	case !listed:
		b.add(styled("  Not listed yet: run the checks (r) to list the vaults ARM shows the app, subscription by subscription.", w, st.Dim)...)
	case len(all) == 0:
		b.add(st.Wrong.Render("  ✗ (the list is empty)"))
	case len(vaults) == 0:
		b.add(st.Dim.Render(fmt.Sprintf("  No vault matches the filter (%d listed).", len(all))))
	}
	nameW := 0
	for _, v := range vaults {
		nameW = max(nameW, ansi.StringWidth(v.Name))
	}
	for _, v := range vaults {
		add(vaultRow+v.Name, func(on bool) {
			target := lm.s.Value(steps.FieldVault)
			picked := strings.EqualFold(v.Name, target) || strings.EqualFold(v.ID, target)
			mark := st.Box.Render("( )")
			if picked {
				mark = st.Checked.Render("(•)")
			}
			model := "access policies"
			if v.RBAC == nil || *v.RBAC {
				model = "RBAC"
			}
			right := v.ResourceGroup + " · " + model
			if v.Location != "" {
				right = v.Location + " · " + right
			}
			b.add(c.row(c.cursorMark(on)+mark+" ", c.pick(on).Render(padRight(v.Name, nameW)), right, w))
		})
	}
}

// tokenBlock is the readout of the token auth.token obtained: whose it is
// and until when, never the token.
func (lm *liveModel) tokenBlock(b *lineBuf, rows []live.Row, w int) {
	m := lm.m
	st := m.com.Styles
	var r *azure.Result
	for _, row := range rows {
		if row.ID == "auth.token" && row.Status == steps.StatusPass && row.Result != nil {
			r = row.Result
		}
	}
	if r == nil {
		return
	}
	e := r.Evidence
	b.blank()
	b.add(st.Emph.Render("The token") + st.Dim.Render("  (what Entra ID issued; the token itself is never shown)"))
	line := func(k, v string) {
		if v != "" {
			b.add(item("  "+st.Dim.Render(padRight(k, 12)), 14, v, w, st.Text)...)
		}
	}
	line("Tenant", e.TokenTenant)
	line("App ID", e.AppID)
	if e.ObjectID != "" {
		line("Object ID", e.ObjectID+"  (the service principal roles are assigned to)")
	}
	if e.TokenExpires != nil {
		line("Valid until", e.TokenExpires.Local().Format("15:04 MST, 2 Jan 2006"))
	}
}

// expiryBlock is the review's client secret expiry and its reminder.
func (lm *liveModel) expiryBlock(b *lineBuf, items *[]span, sel, w int) {
	m := lm.m
	c, st, lm := m.com, m.com.Styles, m.live
	b.blank()
	exp, words, read := lm.s.Expiry()
	how := "type it as YYYY-MM-DD (Certificates & secrets › Expires)"
	switch {
	case read:
		how = "read by the credential.expiry check"
	case exp != nil:
		how = "as you gave it"
	}
	b.add(st.Callout[steps.KindTip].Render(calloutLabels[steps.KindTip]) + "  " + st.Emph.Render("The client secret's expiry"))
	p, _ := lm.s.Page()
	i := 0
	fields := lm.s.Fields(p)
	for _, f := range fields {
		start := b.n()
		var buf *field
		if lm.edit == f.Name {
			buf = lm.fields[f.Name]
		}
		if f.Name == steps.FieldSecretExpiry && words != "" && f.Problem.Cause == "" {
			f.Problem.Detail = words
		}
		c.fieldRow(b, f, buf, i == sel && m.over == nil, lm.edit == f.Name, labelWidth(fields, w), w)
		*items = append(*items, span{start, b.n() - 1})
		i++
	}
	lw := labelWidth(fields, w)
	b.add(item("  "+strings.Repeat(" ", lw+1), lw+3, how+".", w, st.Dim)...)
	right := "e"
	if exp != nil {
		right = "e · on " + steps.ReminderDay(*exp, m.state.UpdatedAt)
	}
	start := b.n()
	on := i == sel && m.over == nil
	b.add(c.row(c.cursorMark(on)+st.StepID.Render("▶")+" ", c.pick(on).Render("Export a calendar reminder (.ics), 30 days before"), right, w))
	*items = append(*items, span{start, b.n() - 1})
}

// wrapWords breaks s at spaces into lines of at most width cells; a word
// longer than the width goes on after a path separator, so that names and
// GUIDs between the slashes stay whole.
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

// splitPath cuts s into pieces of at most width cells (those after the
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
