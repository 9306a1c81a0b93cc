// A function whose package init never returns while HOLD_INIT is set in
// its environment (PUT /functions/NAME/config): a cold start that stays in
// progress until the test kills its worker (tests/integration/test_budget.sh,
// --max-starting). Without it, it loads at once.
package main

import "os"

func main() {}

func init() {
	if os.Getenv("HOLD_INIT") != "" {
		select {}
	}
}

// Hi answers at once.
func Hi(in string) string { return "hi " + in }
