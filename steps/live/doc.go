// Package live is the live part of the course with no user interface in it:
// where the checks run, what each check page asks for and runs, the practice
// tenant, running, watching, cancelling and syncing, the one store of
// results, and the rows and counts every front end prints. The full-screen
// wizard (tui), the line-by-line runner (tui/plain) and doctor's text all
// draw from it and keep no live rule of their own. It never imports a
// terminal library.
//
// # One session, one goroutine of changes
//
// A Session owns the steps.State: every change, a course event (Apply) or a
// live one, goes through it and is saved (Options.Save). Work that blocks
// (starting the practice tenant, a run of checks, a sync, a practice action,
// the wait between two runs of a watch) is handed out as a Job: a function
// to run off the UI goroutine that returns a Msg. The front end hands that
// Msg back to Take, which records it and returns the next Job, if any. The
// wizard runs a Job as a Bubble Tea command (tea.Cmd(job) has the same
// shape); a line-by-line front end calls Drive, which runs a chain of Jobs in
// turn. A Msg from a run that was cancelled or replaced is dropped: runs and
// practice tenants carry generation numbers. Every exported method locks the
// session, so a front end may also call StopWatch from another goroutine.
//
// # What the front ends read
//
//   - Page: what the current screen declares in steps/course.toml (fields,
//     check IDs, vault picker, sync, practice actions listed first). No Go
//     code outside the course loader names a section index or a screen key.
//   - Fields: the page's inputs as they stand, each with its problem.
//   - Rows and Tally: the result rows (status word and symbol, title, detail,
//     evidence, fix) and the one counting rule (passed, warned, failed,
//     skipped, not run). Rows derive from the saved state: a result the state
//     no longer holds (the connection changed) is not shown.
//   - Actions: the practice actions, each with the tenant's current state
//     beside it ("Reader: assigned").
//   - Status: what is going on (running, watching with its countdown, the
//     practice tenant starting) and the last run's Finished with its Tally.
//   - Expiry and ExportReminder: the client secret's expiry in words
//     (ExpiryWords) and its calendar reminder.
//
// The Msgs a front end may look at as they arrive: Started (a practice
// tenant), Arrived (one result, as a Row), Finished (a run), Tick (a watch
// runs again), Synced, Acted (a practice action, or its refusal).
//
// What a page lets the trainee do: Run, Watch and StopWatch, Cancel, Sync
// (only ever on that call: ending an edit never writes), Act (a practice
// action, after which a check page runs again), SetField (typed values; the
// compare uses the password typed, else the last one synced).
//
// Errors are typed (*FieldError, *RefusedError, *NotReadyError, steps'
// rejections) and turned into words in one place, Words.
//
// # Extension points
//
// A new kind of check (for example reading Delinea's side): give the checks
// an ID prefix and a Source (Options.Sources) that runs the IDs it Owns; list
// the IDs in a page's ids in course.toml; add the inputs they need as fields
// (a name in steps.KnownFields, an entry in this package's field table, which
// says whether the value is saved in the connection or kept in memory). The
// rows, counts, watch and saved results then work for them unchanged, in
// every front end.
//
// A remote practice tenant (for example one a trainer's room serves): a
// Wiring whose StartPractice returns any Practice; the actions, their state
// words and the refusals come through that interface. To report progress
// elsewhere, set Options.Observe: it sees every accepted change (a state
// saved, a result recorded, a practice action done) with a copy of the state.
//
// # Tests
//
// Package livetest is the production wiring for tests (live.Config and
// StartLocal, short retries), Tenants for tests that act on a practice tenant
// behind the session's back, and the parity script: ParityScript, Replay
// (the script on the session itself) and OutcomeOf/Diff, which every front
// end's parity test compares against.
package live
