// The tests start real processes and measure back-off and readiness timing; run them one at a time so a
// shared two-core machine doesn't turn timing margins into flakes.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
