# kvbridge developer tasks. The README's two commands work without make.
GO ?= go

.PHONY: run test race bench lint build golden clients load load-doctor dist cross

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

# Binaries a trainer can hand out: one file per platform, no Go needed on the laptops.
PLATFORMS := linux/amd64 linux/arm64 darwin/amd64 darwin/arm64 windows/amd64 windows/arm64
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
COMMIT  ?= $(shell git rev-parse HEAD 2>/dev/null)
BUILT   ?= $(shell date -u +%Y-%m-%d)
LDFLAGS := -s -w -X main.version=$(VERSION) -X main.commit=$(COMMIT) -X main.built=$(BUILT)

dist: ## kvbridge for Linux, macOS and Windows (amd64, arm64) in dist/, with SHA256SUMS
	@rm -rf dist && mkdir -p dist
	@for p in $(PLATFORMS); do \
		os=$${p%/*}; arch=$${p#*/}; ext=; [ $$os = windows ] && ext=.exe; \
		out=dist/kvbridge_$(VERSION)_$${os}_$${arch}$$ext; \
		echo "  $$out"; \
		CGO_ENABLED=0 GOOS=$$os GOARCH=$$arch $(GO) build -trimpath -ldflags "$(LDFLAGS)" -o $$out ./cmd/kvbridge || exit 1; \
	done
	@cd dist && sha256sum kvbridge_* > SHA256SUMS && cat SHA256SUMS

cross: ## compile (no output) for every platform make dist builds, as CI does
	@for p in $(PLATFORMS); do \
		echo "  $$p"; CGO_ENABLED=0 GOOS=$${p%/*} GOARCH=$${p#*/} $(GO) build -o /dev/null ./cmd/kvbridge || exit 1; \
	done
