package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/ife-mx/vigia/archive"
	"github.com/ife-mx/vigia/policy/offensive"
)

// maxLine bounds one input line of classify (a comment, or a JSON object with one).
const maxLine = 4 << 20

// loadClassifier builds the classifier from the embedded data or the given files.
func loadClassifier(modelPath, lexiconPath string) (*offensive.Classifier, error) {
	var opts offensive.Options
	if modelPath != "" {
		f, err := os.Open(modelPath)
		if err != nil {
			return nil, fmt.Errorf("--model: %w", err)
		}
		defer f.Close()
		if opts.Model, err = offensive.LoadModel(f); err != nil {
			return nil, fmt.Errorf("--model %s: %w", modelPath, err)
		}
	}
	if lexiconPath != "" {
		f, err := os.Open(lexiconPath)
		if err != nil {
			return nil, fmt.Errorf("--lexicon: %w", err)
		}
		defer f.Close()
		if opts.Lexicon, err = offensive.LoadLexicon(f); err != nil {
			return nil, fmt.Errorf("--lexicon %s: %w", lexiconPath, err)
		}
	}
	return offensive.New(opts)
}

func cmdClassify(_ context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlags("classify", "classify [--model ARCHIVO] [--lexicon ARCHIVO] [ARCHIVO …]  (sin archivos lee la entrada estándar)", stderr)
	model := fs.String("model", "", "pesos del modelo (de «vigia train»); por omisión los integrados")
	lexicon := fs.String("lexicon", "", "léxico propio en JSON Lines; por omisión el integrado")
	if code, ok := parseFlagsArgs(fs, args, true); !ok {
		return code
	}
	cls, err := loadClassifier(*model, *lexicon)
	if err != nil {
		fmt.Fprintf(stderr, "vigia classify: %v\n", err)
		return exitError
	}
	inputs := []string{"-"}
	if fs.NArg() > 0 {
		inputs = fs.Args()
	}
	w := bufio.NewWriter(stdout)
	defer w.Flush()
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	for _, name := range inputs {
		var r io.Reader = os.Stdin
		if name != "-" {
			f, err := os.Open(name)
			if err != nil {
				fmt.Fprintf(stderr, "vigia classify: %v\n", err)
				return exitError
			}
			defer f.Close()
			r = f
		}
		sc := bufio.NewScanner(r)
		sc.Buffer(make([]byte, 64<<10), maxLine)
		line := 0
		for sc.Scan() {
			line++
			text, err := commentText(sc.Bytes())
			if err != nil {
				fmt.Fprintf(stderr, "vigia classify: %s:%d: %v\n", name, line, err)
				return exitError
			}
			if err := enc.Encode(cls.Classify(text)); err != nil {
				fmt.Fprintf(stderr, "vigia classify: %v\n", err)
				return exitError
			}
		}
		if err := sc.Err(); err != nil {
			fmt.Fprintf(stderr, "vigia classify: %s:%d: %v (una línea admite hasta %d bytes)\n", name, line+1, err, maxLine)
			return exitError
		}
	}
	return exitOK
}

// commentText returns the comment of one input line: the "text" field of a JSON
// object, or the line itself.
func commentText(line []byte) (string, error) {
	trimmed := bytes.TrimSpace(line)
	if len(trimmed) > 0 && trimmed[0] == '{' {
		var obj struct {
			Text *string `json:"text"`
		}
		if err := json.Unmarshal(trimmed, &obj); err != nil {
			return "", fmt.Errorf("JSON inválido: %v", err)
		}
		if obj.Text == nil {
			return "", fmt.Errorf("el objeto JSON no tiene el campo \"text\"")
		}
		return *obj.Text, nil
	}
	return strings.TrimRight(string(line), "\r"), nil
}

func cmdTrain(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlags("train", "train (--in EJEMPLOS.jsonl | --from-archive --db ARCHIVO|--config ARCHIVO [--in EJEMPLOS.jsonl]) --out MODELO [--heldout EJEMPLOS.jsonl] [--lexicon ARCHIVO]", stderr)
	in := fs.String("in", "", "ejemplos etiquetados en JSON Lines ({\"text\":…, \"label\":\"offensive\"|\"ok\", \"category\":…})")
	out := fs.String("out", "", "dónde escribir los pesos del modelo")
	heldout := fs.String("heldout", "", "ejemplos apartados para evaluar el modelo (nunca se entrena con ellos)")
	lexicon := fs.String("lexicon", "", "léxico propio en JSON Lines; por omisión el integrado")
	fromArchive := fs.Bool("from-archive", false, "aprende de las decisiones de los administradores registradas en el archivo "+
		"(block_confirmed: ofensivo; false_positive: correcto; de cada comentario cuenta la última), junto con --in si se indica")
	db := fs.String("db", "", "archivo SQLite del archivo (con --from-archive)")
	config := fs.String("config", "", "archivo de configuración, para tomar de él la ruta del archivo (con --from-archive)")
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	switch {
	case !*fromArchive && (*db != "" || *config != ""):
		fmt.Fprintln(stderr, "vigia train: --db y --config solo sirven con --from-archive")
		return exitError
	case !*fromArchive && (*in == "" || *out == ""):
		fmt.Fprintln(stderr, "vigia train: indique --in y --out (o --from-archive y --out)")
		return exitError
	case *out == "":
		fmt.Fprintln(stderr, "vigia train: indique --out")
		return exitError
	}
	var examples []offensive.Example
	if *fromArchive {
		path, err := dbPath(*db, *config)
		if err != nil {
			fmt.Fprintf(stderr, "vigia train: %v\n", err)
			return exitError
		}
		ex, st, err := archiveExamples(ctx, path)
		if err != nil {
			fmt.Fprintf(stderr, "vigia train: %v\n", err)
			return exitError
		}
		fmt.Fprintf(stdout, "Del archivo %s: %d ejemplos ofensivos (block_confirmed) y %d correctos (false_positive), "+
			"la última decisión de cada uno de %d comentarios\n", path, st.offensive, st.ok, st.offensive+st.ok)
		examples = ex
	}
	if *in != "" {
		ex, err := readExamples(*in)
		if err != nil {
			fmt.Fprintf(stderr, "vigia train: %v\n", err)
			return exitError
		}
		if *fromArchive {
			fmt.Fprintf(stdout, "De %s: %d ejemplos\n", *in, len(ex))
		}
		examples = append(examples, ex...)
	}
	var opts offensive.TrainOptions
	if *lexicon != "" {
		f, err := os.Open(*lexicon)
		if err != nil {
			fmt.Fprintf(stderr, "vigia train: --lexicon: %v\n", err)
			return exitError
		}
		opts.Lexicon, err = offensive.LoadLexicon(f)
		f.Close()
		if err != nil {
			fmt.Fprintf(stderr, "vigia train: --lexicon %s: %v\n", *lexicon, err)
			return exitError
		}
	}
	m, err := offensive.Train(examples, opts)
	if errors.Is(err, offensive.ErrNoExamples) {
		fmt.Fprintf(stderr, "vigia train: se necesitan ejemplos ofensivos y no ofensivos; hay %d ejemplos, todos de una sola clase o ninguno\n", len(examples))
		return exitError
	}
	if err != nil {
		fmt.Fprintf(stderr, "vigia train: %v\n", err)
		return exitError
	}
	f, err := os.Create(*out)
	if err != nil {
		fmt.Fprintf(stderr, "vigia train: %v\n", err)
		return exitError
	}
	if err := m.Save(f); err != nil {
		f.Close()
		fmt.Fprintf(stderr, "vigia train: %v\n", err)
		return exitError
	}
	if err := f.Close(); err != nil {
		fmt.Fprintf(stderr, "vigia train: %v\n", err)
		return exitError
	}
	fmt.Fprintf(stdout, "Modelo entrenado con %d ejemplos: %s\n", len(examples), *out)
	if *heldout != "" {
		held, err := readExamples(*heldout)
		if err != nil {
			fmt.Fprintf(stderr, "vigia train: %v\n", err)
			return exitError
		}
		cls, err := offensive.New(offensive.Options{Model: m, Lexicon: opts.Lexicon})
		if err != nil {
			fmt.Fprintf(stderr, "vigia train: %v\n", err)
			return exitError
		}
		fmt.Fprintf(stdout, "Evaluación con %d ejemplos apartados:\n%s\n", len(held), offensive.Evaluate(cls, held))
	}
	return exitOK
}

func readExamples(path string) ([]offensive.Example, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	ex, err := offensive.LoadExamples(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return ex, nil
}

// archiveCounts says how many examples of each class came from the archive.
type archiveCounts struct{ offensive, ok int }

// archiveExamples turns the administrators' verdicts recorded in the archive at
// path into training examples: block_confirmed is offensive, false_positive is
// not, and of several verdicts on one item the latest decided wins (blocks on the
// network and unblocks say what was done to the author, not what the text is).
// Each example is the item's current text.
func archiveExamples(ctx context.Context, path string) ([]offensive.Example, archiveCounts, error) {
	var st archiveCounts
	store, err := archive.Open(ctx, path, archive.Options{ReadOnly: true})
	if err != nil {
		return nil, st, fmt.Errorf("no se pudo abrir %s: %w", path, err)
	}
	defer store.Close()
	type verdict struct {
		row   archive.DecisionRow
		order int
	}
	latest := map[string]verdict{}
	err = store.Decisions(ctx, "", func(r archive.DecisionRow) error {
		if r.Decision != archive.DecisionBlockConfirmed && r.Decision != archive.DecisionFalsePositive {
			return nil
		}
		k := r.Network + ":" + r.ExternalID
		prev, seen := latest[k]
		switch {
		case !seen:
			latest[k] = verdict{r, len(latest)}
		case !r.At.Before(prev.row.At): // rows come in recorded order: a tie goes to the later
			latest[k] = verdict{r, prev.order}
		}
		return nil
	})
	if err != nil {
		return nil, st, fmt.Errorf("leer las decisiones de %s: %w", path, err)
	}
	out := make([]offensive.Example, len(latest))
	for k, v := range latest {
		off := v.row.Decision == archive.DecisionBlockConfirmed
		if off {
			st.offensive++
		} else {
			st.ok++
		}
		out[v.order] = offensive.Example{Text: v.row.Text, Offensive: off, Group: k}
	}
	return out, st, nil
}
