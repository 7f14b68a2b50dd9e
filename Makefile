# aiguard: everything here needs only Go; tools come from go.mod's tool directives.
GO       ?= go
DIST     ?= dist
ARCHES   := arm64 amd64
LDFLAGS  := -s -w
GOFLAGS_BUILD := -trimpath -ldflags "$(LDFLAGS)"

.PHONY: all build test lint vet staticcheck fmt-check fuzz bench example docs golden clean

all: build

## build: the aiguard CLI and the Lambda bootstrap for linux/arm64 and linux/amd64, zipped for provided.al2023
build:
	@mkdir -p $(DIST)
	@for arch in $(ARCHES); do \
		echo "build linux/$$arch"; \
		CGO_ENABLED=0 GOOS=linux GOARCH=$$arch $(GO) build $(GOFLAGS_BUILD) -tags lambda.norpc -o $(DIST)/linux-$$arch/bootstrap ./cmd/bootstrap || exit 1; \
		CGO_ENABLED=0 GOOS=linux GOARCH=$$arch $(GO) build $(GOFLAGS_BUILD) -o $(DIST)/linux-$$arch/aiguard ./cmd/aiguard || exit 1; \
		$(GO) run ./internal/tools/mkzip $(DIST)/aiguard-lambda-linux-$$arch.zip bootstrap=$(DIST)/linux-$$arch/bootstrap || exit 1; \
		$(GO) run ./internal/tools/mkzip $(DIST)/aiguard-cli-linux-$$arch.zip aiguard=$(DIST)/linux-$$arch/aiguard || exit 1; \
	done
	@ls -l $(DIST)/*.zip

## test: every check CI runs: formatting, vet, staticcheck, and all tests (the Lambda under the emulator included;
## the moto suite when moto, boto3 and the AWS CLI are installed)
test: fmt-check vet staticcheck
	@command -v moto_server >/dev/null && command -v aws >/dev/null && python3 -c 'import boto3' 2>/dev/null || \
		echo 'note: the moto suite (e2e/moto_test.go) is skipped: it needs pip install "moto[server]" awscli'
	$(GO) test -count=1 ./...

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet ./...

staticcheck:
	$(GO) tool staticcheck ./...

## fuzz: one minute per fuzz target (FUZZTIME=5m make fuzz for longer)
FUZZTIME ?= 1m
FUZZ := $(GO) test -run '^$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 5s
fuzz:
	$(FUZZ) ./awsid -fuzz '^FuzzParseARN$$'
	$(FUZZ) ./configevent -fuzz '^FuzzParse$$'
	$(FUZZ) ./configitem -fuzz '^FuzzDecode$$'
	$(FUZZ) ./configitem -fuzz '^FuzzDecodeMatchesLegacy$$'
	$(FUZZ) ./configitem -fuzz '^FuzzLookupObject$$'
	$(FUZZ) ./internal/jsonfast -fuzz '^FuzzUnmarshal$$'
	$(FUZZ) ./rules -fuzz '^FuzzEvaluate$$'
	$(FUZZ) ./rules -fuzz '^FuzzAnnotation$$'
	$(FUZZ) ./rules -fuzz '^FuzzParsePolicy$$'
	$(FUZZ) ./rules -fuzz '^FuzzMLRuleChecks$$'
	$(FUZZ) ./orgspec -fuzz '^FuzzParse$$'
	$(FUZZ) ./conformance -fuzz '^FuzzParse$$'
	$(FUZZ) ./iampolicy -fuzz '^FuzzParse$$'
	$(FUZZ) ./policygen -fuzz '^FuzzGenerate$$'
	$(FUZZ) ./iameval -fuzz '^FuzzDecide$$'
	$(FUZZ) ./scan -fuzz '^FuzzScan$$'
	$(FUZZ) ./cloudtrail -fuzz '^FuzzReader$$'

## bench: the benchmarks behind BENCHMARKS.md (each package's baseline runs in the same invocation),
## then the release binaries' sizes
BENCHCOUNT ?= 3
bench: build
	$(GO) test -run '^$$' -bench . -benchmem -count $(BENCHCOUNT) -timeout 60m ./... | tee bench.txt
	@echo "release binaries (bytes):"; ls -l $(DIST)/linux-*/bootstrap $(DIST)/linux-*/aiguard $(DIST)/*.zip | awk '{print $$5, $$9}'

## example: the main job on the built-in example, no AWS credentials needed
example:
	$(GO) run ./cmd/aiguard evaluate --examples --format table

## golden: rewrite every golden file and committed fuzz seed corpus, through the -update flag of
## internal/testenv/golden, in exactly the packages whose tests import it
GOLDEN_PKGS = $(GO) list -f '{{.ImportPath}} {{join .TestImports " "}} {{join .XTestImports " "}}' ./... | \
	awk '/ github.com\/aiguard\/aiguard\/internal\/testenv\/golden( |$$)/ {print $$1}'
golden:
	$(GO) test -count=1 $$($(GOLDEN_PKGS)) -update

## docs: regenerate docs/rules.md and docs/detections.md from the catalogs
docs:
	$(GO) run ./cmd/aiguard rules list --format markdown > docs/rules.md
	$(GO) run ./cmd/aiguard detections list --format markdown > docs/detections.md

clean:
	rm -rf $(DIST) bench.txt
