//go:build !race

package report_test

// raceDetector is true when the tests run under -race.
const raceDetector = false
