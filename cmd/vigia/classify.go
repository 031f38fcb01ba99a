package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"

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

func cmdTrain(_ context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlags("train", "train --in EJEMPLOS.jsonl --out MODELO [--heldout EJEMPLOS.jsonl] [--lexicon ARCHIVO]", stderr)
	in := fs.String("in", "", "ejemplos etiquetados en JSON Lines ({\"text\":…, \"label\":\"offensive\"|\"ok\", \"category\":…})")
	out := fs.String("out", "", "dónde escribir los pesos del modelo")
	heldout := fs.String("heldout", "", "ejemplos apartados para evaluar el modelo (nunca se entrena con ellos)")
	lexicon := fs.String("lexicon", "", "léxico propio en JSON Lines; por omisión el integrado")
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if *in == "" || *out == "" {
		fmt.Fprintln(stderr, "vigia train: indique --in y --out")
		return exitError
	}
	examples, err := readExamples(*in)
	if err != nil {
		fmt.Fprintf(stderr, "vigia train: %v\n", err)
		return exitError
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
