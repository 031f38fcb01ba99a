# Vigía: build, test and maintenance targets. `make help` lists them.

GO       ?= go
GOFMT    ?= gofmt
VERSION  ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS  := -X main.version=$(VERSION)
BINARY   ?= vigia
FUZZTIME ?= 10s
# Packages with benchmarks (./archive/ and any other that gains a Benchmark function).
BENCH_PKGS ?= $(sort $(patsubst %/,%,$(dir $(shell grep -rl --include='*_test.go' '^func Benchmark' . 2>/dev/null))))
DEMO_ARGS ?=
# Arguments of the scale benchmark (go run ./bench --help), e.g. BENCH_ARGS="--accounts 20 --days 30".
BENCH_ARGS ?=

# Go files that gofmt must leave unchanged: everything but testdata and vendor.
GO_FILES = $(shell find . -name '*.go' -not -path './.git/*' -not -path './vendor/*' -not -path '*/testdata/*')

.PHONY: all help build test vet fmt-check fuzz bench gobench demo lint clean test-rules checkmetrics verify-systemd deb

all: fmt-check vet test build

help:
	@echo "Objetivos:"
	@echo "  build      compila ./$(BINARY) (VERSION=$(VERSION))"
	@echo "  test       go test -race -count=1 -timeout 30m ./..."
	@echo "  vet        go vet ./..."
	@echo "  fmt-check  falla si gofmt cambiaría algún archivo"
	@echo "  fuzz       cada objetivo Fuzz del repositorio durante FUZZTIME=$(FUZZTIME)"
	@echo "  bench      los siete escenarios de escala (go run ./bench $(BENCH_ARGS)); tabla y bench/out/results.json"
	@echo "  gobench    benchmarks de Go con -benchmem ($(BENCH_PKGS))"
	@echo "  demo       go run ./cmd/vigia demo $(DEMO_ARGS)"
	@echo "  lint       golangci-lint run, si está instalado"
	@echo "  test-rules promtool check rules y promtool test rules (configs/prometheus)"
	@echo "  checkmetrics promtool check metrics sobre /metrics de la demo"
	@echo "  verify-systemd systemd-analyze verify y security (exposición <= 2.0) de systemd/vigia.service"
	@echo "  deb        paquete Debian en dist/ con nfpm (binario, unidad, configuración, sysusers, tmpfiles)"
	@echo "  clean      borra ./$(BINARY) y dist/"

build:
	$(GO) build -ldflags "$(LDFLAGS)" -o $(BINARY) ./cmd/vigia

# The README's test command.
test:
	$(GO) test -race -count=1 -timeout 30m ./...

vet:
	$(GO) vet ./...

fmt-check:
	@unformatted=$$($(GOFMT) -l $(GO_FILES)); \
	if [ -n "$$unformatted" ]; then \
		echo "gofmt cambiaría estos archivos (ejecute gofmt -w):"; echo "$$unformatted"; exit 1; \
	fi

# Every Fuzz target (discovered with go test -list) for FUZZTIME each: .ci/fuzz.
fuzz:
	GO=$(GO) FUZZTIME=$(FUZZTIME) .ci/fuzz

# The institute-scale scenarios (issue 11): 400 accounts and a semester by default.
bench:
	$(GO) run ./bench $(BENCH_ARGS)

gobench:
	$(GO) test -run '^$$' -bench . -benchmem $(BENCH_PKGS)

demo:
	$(GO) run ./cmd/vigia demo $(DEMO_ARGS)

lint:
	@if command -v golangci-lint >/dev/null 2>&1; then \
		golangci-lint run ./...; \
	else \
		echo "golangci-lint no está instalado; se omite lint (https://golangci-lint.run/welcome/install/)"; \
	fi

# Prometheus rules and their unit tests (promtool: apt-get install prometheus).
PROMTOOL ?= promtool
test-rules:
	$(PROMTOOL) check rules configs/prometheus/rules/*.yml
	$(PROMTOOL) test rules configs/prometheus/tests/*.yml

# promtool check metrics on a scrape of the running demo.
checkmetrics:
	GO=$(GO) PROMTOOL=$(PROMTOOL) ./configs/prometheus/checkmetrics.sh

# systemd-analyze verify (nothing on stderr) and security --offline (exposure <= 2.0).
verify-systemd:
	GO=$(GO) systemd/check.sh

# The Debian package (packaging/nfpm.yaml) in dist/, with nfpm run through the Go
# toolchain at a pinned version: nothing to install globally.
NFPM_VERSION ?= v2.45.2
NFPM         ?= $(GO) run github.com/goreleaser/nfpm/v2/cmd/nfpm@$(NFPM_VERSION)
DEB_VERSION  ?= 0.0.0~git$(shell git log -1 --format=%cd --date=format:%Y%m%d%H%M%S 2>/dev/null || echo 0).$(shell git rev-parse --short HEAD 2>/dev/null || echo 0)
deb:
	mkdir -p dist
	rm -f dist/vigia dist/vigia_*.deb
	CGO_ENABLED=1 $(GO) build -trimpath -ldflags "-s -w $(LDFLAGS)" -o dist/vigia ./cmd/vigia
	DEB_VERSION='$(DEB_VERSION)' GOARCH=$$($(GO) env GOARCH) $(NFPM) package --packager deb --config packaging/nfpm.yaml --target dist/
	@ls -l dist/vigia_*.deb

clean:
	rm -f $(BINARY)
	rm -rf dist
