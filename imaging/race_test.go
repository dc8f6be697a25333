//go:build race

package imaging_test

// raceEnabled lets the slowest fixtures be skipped under the race detector, which makes Go's
// image encoders about ten times slower.
const raceEnabled = true
