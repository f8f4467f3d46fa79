# kvbridge developer tasks. The README's two commands work without make.
GO ?= go

.PHONY: run test race bench lint build golden clients load load-doctor

run: ## run the wizard
	$(GO) run ./cmd/kvbridge

test: ## run the tests (the README's test command)
	$(GO) test ./...

race: ## the tests with the race detector, as CI runs them
	$(GO) test -race ./...

bench: ## benchmarks: View, state machine, practice tenant, checks
	$(GO) test -run '^$$' -bench . -benchmem ./...

load: ## the trainer's room under 30 and 60 simulated trainees (figures in the log)
	KVBRIDGE_ROOM_LOAD=1 $(GO) test -run '^TestLoad$$' -v -count=1 -timeout 10m ./steps/room

lint: ## formatting and vet
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt: $$out"; exit 1; fi
	$(GO) vet ./...

build: ## a binary in ./bin
	$(GO) build -o bin/kvbridge ./cmd/kvbridge

golden: ## rewrite the TUI golden files (read them before committing)
	$(GO) test ./tui -update && KVBRIDGE_UPDATE_GOLDEN=1 $(GO) test ./tui/plain

clients: build ## Microsoft's az CLI and Python SDK against sandbox serve (needs az, python3-azure)
	scripts/azure-clients.sh bin/kvbridge

load-doctor: ## 30 concurrent doctors against one served tenant: p50/p99, server RSS, 1,000 idle connections (Linux, about a minute)
	KVBRIDGE_LOAD=1 $(GO) test -run '^TestLoadDoctors$$' -count=1 -v -timeout 10m ./cmd/kvbridge | grep -E 'round|rounds|idle|after|FAIL|ok'
