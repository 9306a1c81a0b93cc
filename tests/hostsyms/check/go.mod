module gofn/tests/hostsyms/check

go 1.26

require gofn/tests/goexample v0.0.0

replace gofn/tests/goexample => ../../goexample
