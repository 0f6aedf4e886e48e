"""Simulator benchmark, reference configuration: batch 4, 16 heads, 1 KV head, head_dim 128,
block 128, contexts 33/1024/517/128. Prints cold (empty compile cache) and warm figures."""

from sim_common import run_bench

if __name__ == "__main__":
    run_bench("reference", 4, 16, 1, 128, 128, [33, 1024, 517, 128], check_batches=[0, 1, 2, 3])
