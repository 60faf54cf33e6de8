.PHONY: run test test-all bench lint build

run: ## start arqir on the embedded SQLite database
	go run ./cmd/arqir serve

build:
	CGO_ENABLED=0 go build -o bin/arqir ./cmd/arqir

test: ## the unit, conformance and end-to-end tests (PostgreSQL when ARQIR_TEST_POSTGRES is set)
	go test ./...

test-all: ## what CI runs: installs/starts PostgreSQL, requires every optional dependency
	bash .ci/run

bench:
	go test -run XXX -bench . -benchtime 2s ./...

lint:
	gofmt -l . && go vet ./... && ../shared/tools/procedures-check
