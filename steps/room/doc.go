// Package room is the trainer's room: one server that hosts a practice tenant per seat
// for a workshop, lets trainees join with one pasted string, collects their progress,
// and gives the trainer a live view, actions on any seat and a merged report. It has no
// user interface; tui/dashboard draws it and cmd/kvbridge wires the commands.
//
// One listener serves everything, over TLS with the room's own certificate authority:
//
//   - The room API under /room/v1/ (join, the seat's details, progress; the trainer's
//     endpoints under /room/v1/trainer/, which need the trainer key).
//   - Every seat's practice tenant, in the sandbox's hostnames wiring: a trainee's
//     kvbridge keeps the public cloud's configuration (login.microsoftonline.com,
//     management.azure.com, *.vault.azure.net, graph.microsoft.com) and dials the room
//     for every host, adding the seat's bearer token in the X-Kvbridge-Seat header. The
//     room picks the seat's tenant by that token, so the Azure SDK sees real host names
//     (instance discovery, issuer and Key Vault challenge checks all hold, unchanged)
//     and one seat's practice credentials open nothing of another's: they never reach
//     another tenant.
//
// Trust needs no installed CA: the join string carries the SHA-256 fingerprint of the
// room's CA certificate (the pin), and a trainee's kvbridge accepts only a chain that
// contains that CA and verifies against it.
//
// The room's state (plan, seats, their tenants, progress, the CA and the keys) is saved
// atomically to one file, mode 0600, after every change, so a restarted room loses
// nothing and seats rejoin with the token they hold. Seat tokens are kept as SHA-256
// hashes only.
package room
