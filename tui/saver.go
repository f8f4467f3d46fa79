package tui

import (
	"sync"

	"github.com/kvbridge/kvbridge/steps"
)

// saver writes snapshots of the state one at a time. Each snapshot carries
// the sequence number of the change that made it; a snapshot older than one
// already written is dropped, so a slow save can never overwrite a newer one.
type saver struct {
	mu    sync.Mutex
	store steps.Store
	last  uint64
}

// save writes s if seq is newer than everything written so far.
func (sv *saver) save(seq uint64, s steps.State) error {
	sv.mu.Lock()
	defer sv.mu.Unlock()
	if seq <= sv.last {
		return nil
	}
	sv.last = seq
	return sv.store.Save(s)
}

// reset removes the saved file, then writes the fresh state, as one step.
func (sv *saver) reset(seq uint64, s steps.State) error {
	sv.mu.Lock()
	defer sv.mu.Unlock()
	if seq <= sv.last {
		return nil
	}
	sv.last = seq
	if err := sv.store.Reset(); err != nil {
		return err
	}
	return sv.store.Save(s)
}

// savedMsg reports the end of one save.
type savedMsg struct {
	seq uint64
	err error
}
