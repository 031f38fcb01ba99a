package agent

import "time"

// WithResponseWindows makes the response clocks let go of conversations quiet
// for hot, every every (instead of hotWindow and pruneEvery).
func WithResponseWindows(hot, every time.Duration) func(*Options) {
	return func(o *Options) { o.responseWindows = &[2]time.Duration{hot, every} }
}
