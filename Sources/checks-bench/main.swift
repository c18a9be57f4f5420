// The health-check benchmark; the workload comes in the next commit.
print("checks-bench: not built yet")
