package offensive

import (
	"bufio"
	"compress/gzip"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
)

// Model is a logistic-regression model over hashed features, with the thresholds of the
// two upper bands.
type Model struct {
	// Bits is log2 of the number of weights.
	Bits uint8
	// Weights has 2^Bits entries.
	Weights []float32
	// Bias is the intercept.
	Bias float64
	// Review and Block are the probability thresholds of the review and recommend_block
	// bands, chosen on out-of-fold predictions during training.
	Review, Block float64
	// Info describes how the model was trained.
	Info ModelInfo
}

// ModelInfo records how a model was trained.
type ModelInfo struct {
	Examples  int     `json:"examples"`
	Positives int     `json:"positives"`
	Epochs    int     `json:"epochs"`
	L2        float64 `json:"l2"`
	Rate      float64 `json:"rate"`
	Seed      uint64  `json:"seed"`
	Folds     int     `json:"folds"`
	// OOF figures at the chosen thresholds (out-of-fold, on the training examples).
	OOFReviewF1       float64 `json:"oof_review_f1"`
	OOFBlockPrecision float64 `json:"oof_block_precision"`
	OOFBlockRecall    float64 `json:"oof_block_recall"`
}

// prob returns the model probability for a feature list whose first nText entries are
// text features.
func (m *Model) prob(feats []uint32, nText int) float64 {
	w := m.Weights
	var zt, zl float64
	for k, f := range feats {
		if int(f) >= len(w) {
			continue
		}
		if k < nText {
			zt += float64(w[f])
		} else {
			zl += float64(w[f])
		}
	}
	return sigmoid(m.Bias + float64(zt*textScale(nText)) + zl)
}

func sigmoid(z float64) float64 {
	if z > 35 {
		return 1
	}
	if z < -35 {
		return 0
	}
	return 1 / (1 + math.Exp(-z))
}

const modelMagic = "VIGIAOFF"

// ErrModel reports a malformed model file.
var ErrModel = errors.New("malformed model")

// Save writes the model in its compact binary form (gzip; int16-quantised sparse weights).
func (m *Model) Save(w io.Writer) error {
	zw, err := gzip.NewWriterLevel(w, gzip.BestCompression)
	if err != nil {
		return fmt.Errorf("offensive: save model: %w", err)
	}
	bw := bufio.NewWriter(zw)
	scale := quantScale(m.Weights)
	var tmp [binary.MaxVarintLen64]byte
	put := func(v any) { _ = binary.Write(bw, binary.LittleEndian, v) }
	bw.WriteString(modelMagic)
	put(uint16(1))
	put(m.Bits)
	put(m.Bias)
	put(m.Review)
	put(m.Block)
	put(scale)
	nnz := uint32(0)
	for _, x := range m.Weights {
		if quant(x, scale) != 0 {
			nnz++
		}
	}
	put(nnz)
	last := 0
	for i, x := range m.Weights {
		q := quant(x, scale)
		if q == 0 {
			continue
		}
		n := binary.PutUvarint(tmp[:], uint64(i-last))
		bw.Write(tmp[:n])
		n = binary.PutVarint(tmp[:], int64(q))
		bw.Write(tmp[:n])
		last = i
	}
	info, err := json.Marshal(m.Info)
	if err != nil {
		return fmt.Errorf("offensive: save model: %w", err)
	}
	put(uint32(len(info)))
	bw.Write(info)
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("offensive: save model: %w", err)
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("offensive: save model: %w", err)
	}
	return nil
}

func quantScale(w []float32) float32 {
	var mx float32
	for _, x := range w {
		if x > mx {
			mx = x
		} else if -x > mx {
			mx = -x
		}
	}
	if mx == 0 {
		return 1
	}
	return mx / 32767
}

func quant(x, scale float32) int16 {
	v := math.Round(float64(x / scale))
	if v > 32767 {
		v = 32767
	}
	if v < -32767 {
		v = -32767
	}
	return int16(v)
}

// quantise rounds the weights to what Save stores, so a trained model and its saved form
// classify identically.
func (m *Model) quantise() {
	scale := quantScale(m.Weights)
	for i, x := range m.Weights {
		m.Weights[i] = float32(quant(x, scale)) * scale
	}
}

// LoadModel reads a model written by Save.
func LoadModel(r io.Reader) (*Model, error) {
	zr, err := gzip.NewReader(r)
	if err != nil {
		return nil, fmt.Errorf("offensive: load model: %w", err)
	}
	defer zr.Close()
	br := bufio.NewReader(zr)
	fail := func(what string, err error) (*Model, error) {
		if err == nil {
			return nil, fmt.Errorf("offensive: load model: %s: %w", what, ErrModel)
		}
		return nil, fmt.Errorf("offensive: load model: %s: %w", what, errors.Join(ErrModel, err))
	}
	magic := make([]byte, len(modelMagic))
	if _, err := io.ReadFull(br, magic); err != nil || string(magic) != modelMagic {
		return fail("magic", err)
	}
	get := func(v any) error { return binary.Read(br, binary.LittleEndian, v) }
	var ver uint16
	m := &Model{}
	var scale float32
	var nnz uint32
	for _, v := range []any{&ver, &m.Bits, &m.Bias, &m.Review, &m.Block, &scale, &nnz} {
		if err := get(v); err != nil {
			return fail("header", err)
		}
	}
	if ver != 1 || m.Bits < 8 || m.Bits > 24 || uint64(nnz) > 1<<m.Bits {
		return fail("header", nil)
	}
	m.Weights = make([]float32, 1<<m.Bits)
	idx := uint64(0)
	for k := uint32(0); k < nnz; k++ {
		d, err := binary.ReadUvarint(br)
		if err != nil {
			return fail("weights", err)
		}
		q, err := binary.ReadVarint(br)
		if err != nil {
			return fail("weights", err)
		}
		idx += d
		if idx >= uint64(len(m.Weights)) || q < -32767 || q > 32767 {
			return fail("weights", nil)
		}
		m.Weights[idx] = float32(q) * scale
	}
	var n uint32
	if err := get(&n); err != nil || n > 1<<20 {
		return fail("info", err)
	}
	info := make([]byte, n)
	if _, err := io.ReadFull(br, info); err != nil {
		return fail("info", err)
	}
	if err := json.Unmarshal(info, &m.Info); err != nil {
		return fail("info", err)
	}
	return m, nil
}
