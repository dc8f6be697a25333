package imaging_test

import (
	"testing"

	"sitepro/imaging"
)

func TestPlan(t *testing.T) {
	cases := []struct {
		kind                  imaging.Kind
		w, h                  int
		outW, outH, left, top int
		tooSmall              bool
	}{
		{imaging.Portrait, 4000, 3000, 358, 441, 115, 0, false}, // wide: centred horizontally
		{imaging.Portrait, 3000, 4000, 358, 441, 0, 9, false},   // tall: a quarter of the excess off the top
		{imaging.Portrait, 358, 441, 358, 441, 0, 0, false},
		{imaging.Portrait, 358, 2000, 358, 441, 0, 389, false}, // no scaling, crop only
		{imaging.Portrait, 357, 1000, 0, 0, 0, 0, true},
		{imaging.Portrait, 1000, 440, 0, 0, 0, 0, true},
		{imaging.Document, 4000, 3000, 1600, 1200, 0, 0, false},
		{imaging.Document, 3000, 4000, 1200, 1600, 0, 0, false},
		{imaging.Document, 800, 600, 800, 600, 0, 0, false}, // never upscaled
		{imaging.Document, 1600, 10, 1600, 10, 0, 0, false},
		{imaging.Document, 40000, 1, 1600, 1, 0, 0, false}, // never zero
	}
	for _, tc := range cases {
		w, h, left, top, err := imaging.Plan(tc.kind, tc.w, tc.h)
		if tc.tooSmall {
			if err == nil {
				t.Errorf("%v %d×%d: planned %d×%d; want too small", tc.kind, tc.w, tc.h, w, h)
			}
			continue
		}
		if err != nil || w != tc.outW || h != tc.outH || left != tc.left || top != tc.top {
			t.Errorf("%v %d×%d: got %d×%d at (%d,%d), %v; want %d×%d at (%d,%d)",
				tc.kind, tc.w, tc.h, w, h, left, top, err, tc.outW, tc.outH, tc.left, tc.top)
		}
	}
}

func TestColourThresholdSeparatesTheFixtures(t *testing.T) {
	for _, tc := range []struct {
		name   string
		score  float64
		colour bool
	}{
		{"gradient photo", imaging.Colourfulness(colourImage(200, 150)), true},
		{"muted portrait", imaging.Colourfulness(mutedPortrait(120, 160)), true},
		{"grey scan", imaging.Colourfulness(grayScan(120, 160, [3]int{})), false},
		{"warm-tinted scan", imaging.Colourfulness(grayScan(120, 160, [3]int{8, 3, -10})), false},
		{"desaturated photo", imaging.Colourfulness(desaturate(colourImage(200, 150))), false},
	} {
		t.Logf("%s: colourfulness %.1f", tc.name, tc.score)
		if (tc.score >= imaging.MinColourfulness) != tc.colour {
			t.Errorf("%s scores %.1f against a threshold of %.0f; want colour=%v",
				tc.name, tc.score, imaging.MinColourfulness, tc.colour)
		}
	}
}
