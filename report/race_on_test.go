//go:build race

package report_test

// raceDetector is true when the tests run under -race: the simulated semester is
// then two months (the race detector makes the agent several times slower).
const raceDetector = true
