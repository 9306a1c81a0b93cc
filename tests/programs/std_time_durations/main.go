// time without wall clocks: durations, parsing and formatting fixed dates,
// date arithmetic in UTC, truncation and rounding.
package main

import (
	"fmt"
	"time"
)

func main() {
	d := 90*time.Minute + 30*time.Second + 250*time.Millisecond
	fmt.Println(d, d.Hours(), d.Round(time.Minute), d.Truncate(time.Hour))
	p, err := time.ParseDuration("1h15m3.5s")
	fmt.Println(p, p.Seconds(), err)
	_, err = time.ParseDuration("5 parsecs")
	fmt.Println(err)
	t := time.Date(2024, time.February, 28, 23, 30, 0, 0, time.UTC)
	t2 := t.Add(2 * time.Hour)
	fmt.Println(t2.Format(time.RFC3339), t2.Weekday(), t2.YearDay(), t2.Sub(t))
	fmt.Println(t.AddDate(0, 1, 1).Format("2006-01-02"), t.Unix(), t.Before(t2))
	pt, err := time.Parse("02 Jan 06 15:04 MST", "05 Mar 21 10:00 UTC")
	fmt.Println(pt.Format(time.DateTime), err)
	fixed := time.FixedZone("X", 3*3600)
	fmt.Println(t.In(fixed).Format(time.Kitchen), time.Duration(1<<62).String())
	y, w := t.ISOWeek()
	fmt.Println(y, w, t.Month(), time.Unix(0, 0).UTC())
}
