package demo

import (
	"context"

	"sitepro/imaging"
)

// inProcess runs the seed's pictures through the real imaging pipeline in this process, as
// main does with its supervised one.
type inProcess struct{ p imaging.Normalizer }

func (i inProcess) Portrait(ctx context.Context, data []byte) ([]byte, int, int, error) {
	r, err := i.p.Normalize(ctx, imaging.Portrait, data)
	return r.JPEG, r.Width, r.Height, err
}

func (i inProcess) Document(ctx context.Context, data []byte) ([]byte, int, int, error) {
	r, err := i.p.Normalize(ctx, imaging.Document, data)
	return r.JPEG, r.Width, r.Height, err
}
