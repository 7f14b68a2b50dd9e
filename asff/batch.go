package asff

import (
	"bufio"
	"cmp"
	"io"
	"slices"
)

// BatchWriter writes findings as BatchImportFindings request bodies, one a
// line ({"Findings":[...]}), each at most BatchSize findings of a single
// account and Region: BatchImportFindings with the default product ARN must
// be called from the account the findings belong to, so each line can be
// sent with
//
//	aws securityhub batch-import-findings --region R --cli-input-json "$line"
//
// Findings stream in: a batch is written as soon as it is full, the rest
// when Flush is called.
type BatchWriter struct {
	w       *bufio.Writer
	batches map[batchKey]*pending
}

type batchKey struct{ account, region string }

// pending is the batch of one account and Region not written yet.
type pending struct {
	ids      map[string]bool
	findings [][]byte
}

// NewBatchWriter returns a writer of request bodies to w.
func NewBatchWriter(w io.Writer) *BatchWriter {
	return &BatchWriter{w: bufio.NewWriterSize(w, 256<<10), batches: map[batchKey]*pending{}}
}

// Add adds a finding, encoded as json.Marshal encodes a Finding (compact),
// with its Id, to the batch of its account and Region. The batch is written
// first when it is full, or when it holds the Id already: one call must not
// carry the same Id twice. Add keeps finding until the batch is written.
func (b *BatchWriter) Add(account, region, id string, finding []byte) error {
	k := batchKey{account, region}
	p := b.batches[k]
	if p == nil {
		p = &pending{ids: map[string]bool{}}
		b.batches[k] = p
	}
	if p.ids[id] || len(p.findings) == BatchSize {
		if err := b.write(p); err != nil {
			return err
		}
	}
	p.ids[id] = true
	p.findings = append(p.findings, finding)
	return nil
}

// write writes a batch as one request body and empties it.
func (b *BatchWriter) write(p *pending) error {
	if len(p.findings) == 0 {
		return nil
	}
	b.w.WriteString(`{"Findings":[`)
	for i, f := range p.findings {
		if i > 0 {
			b.w.WriteByte(',')
		}
		b.w.Write(f)
	}
	_, err := b.w.WriteString("]}\n")
	p.findings = p.findings[:0]
	clear(p.ids)
	return err
}

// Flush writes the batches not written yet, in account and Region order,
// and then what is buffered. Nothing is written when no finding was added.
func (b *BatchWriter) Flush() error {
	keys := make([]batchKey, 0, len(b.batches))
	for k := range b.batches {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(x, y batchKey) int {
		return cmp.Or(cmp.Compare(x.account, y.account), cmp.Compare(x.region, y.region))
	})
	for _, k := range keys {
		if err := b.write(b.batches[k]); err != nil {
			return err
		}
	}
	return b.w.Flush()
}
