package calendar_test

import (
	"fmt"
	"time"

	"github.com/ife-mx/vigia/policy/calendar"
)

// A comment posted on Friday at 18:00, before the Monday holiday of Benito Juárez's
// birth, and answered on Tuesday at 10:00 waited one business hour.
func ExampleCalendar_BusinessDuration() {
	cal, err := calendar.New(calendar.DefaultConfig())
	if err != nil {
		panic(err)
	}
	mx := cal.Location()
	posted := time.Date(2013, time.March, 15, 18, 0, 0, 0, mx)
	answered := time.Date(2013, time.March, 19, 10, 0, 0, 0, mx)
	fmt.Println(cal.BusinessDuration(posted, answered))
	fmt.Println(cal.Closure(time.Date(2013, time.March, 18, 12, 0, 0, 0, mx)))
	fmt.Println(cal.Add(posted, 8*time.Hour).Format("Mon 2 Jan 15:04"))
	// Output:
	// 1h0m0s
	// Natalicio de Benito Juárez
	// Tue 19 Mar 17:00
}
