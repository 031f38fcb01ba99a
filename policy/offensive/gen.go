package offensive

// The corpus and the shipped weights are rebuilt with go generate; see CORPUS.md.
//go:generate go run ./internal/corpusgen -out testdata/corpus
//go:generate go test -run TestTrain_ReproducesEmbedded -update .
