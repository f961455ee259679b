"""A synthetic learning-curve family whose curves cross and whose noise looks like validation noise.

Each configuration has four hyperparameters (learning rate, batch size, model capacity, weight
decay) drawn uniformly in the unit cube, and a loss curve over epochs 1..R (10-class log-loss
scale: chance level ln 10 = 2.30) built from effects seen in real training:

- Speed: the effective step size s = log10(lr) - 0.15 log2(batch / 32) sets the time constant
  tau of a power-law decay a + (L0 - a) (1 + t / tau)^-1, so large steps learn fast and small
  steps are slow (tau ~ 100 epochs at the smallest).
- Asymptote a: large steps settle at a worse floor (gradient noise), the best final loss wants a
  step well below the fastest one, small models underfit, weight decay has a capacity-dependent
  optimum, and a per-configuration factor (the hidden effects a four-number description misses)
  adds spread. So the configurations that are best after one epoch are mostly not the best at R.
- Overfitting: large models with little weight decay reach their minimum and then get worse.
- Instability: the largest steps diverge at a random early epoch and stay at chance level.
- Noise: multiplicative AR(1) validation noise (3% of the loss, correlation 0.6 between epochs),
  larger for large steps with small batches.

`crossing` scales the two effects that make early leaders finish badly (the gradient-noise floor
of large steps and overfitting): 1 is the benchmark's family, 0 leaves curves that mostly keep
their order. Smaller values are for the sensitivity table in docs/benchmarks.md only.

`make_pool(seed, count, epochs, crossing)` draws `count` configurations with their full curves; the same
seed gives the same pool, so every method replays identical curves. The "final loss" of a
configuration is its curve's value at epoch R (noise included, so it is the number a method
would actually observe).
"""

import numpy as np

CHANCE_LOSS = float(np.log(10.0))


def make_pool(seed, count, epochs, crossing=1.0):
    """Returns (params[count, 4] in the unit cube, curves[count, epochs])."""
    rng = np.random.default_rng([seed, 0x5E5E])
    u = rng.random((count, 4))
    log_lr = -4.0 + 4.0 * u[:, 0]                # lr in [1e-4, 1]
    log2_batch = 4.0 + 5.0 * u[:, 1]             # batch in [16, 512]
    capacity = u[:, 2]                           # model size, 0 small .. 1 large
    log_wd = -6.0 + 5.0 * u[:, 3]                # weight decay in [1e-6, 1e-1]

    step = log_lr - 0.15 * (log2_batch - 5.0)    # effective step size
    tau = 3.0 * 10.0 ** (-0.8 * (step + 2.0))    # epochs to halve the excess loss
    tau = np.clip(tau, 0.15, 400.0)

    wd_opt = -5.0 + 3.0 * capacity               # bigger models want more weight decay
    hidden = np.exp(rng.normal(0.0, 0.25, count))
    asymptote = (0.04
                 + 0.30 * (1.0 - capacity) ** 2                      # underfitting
                 + 0.12 * crossing * np.maximum(0.0, step + 2.6) ** 2  # gradient-noise floor
                 + 0.02 * np.maximum(0.0, -3.0 - step) ** 2          # very small steps
                 + 0.015 * (log_wd - wd_opt) ** 2) * hidden          # weight decay mismatch
    start = CHANCE_LOSS * np.exp(rng.normal(0.0, 0.05, count))      # loss at initialisation

    t = np.arange(1, epochs + 1, dtype=float)[None, :]
    mean = asymptote[:, None] + (start - asymptote)[:, None] * (1.0 + t / tau[:, None]) ** -1.0

    # Overfitting: starts once the model has fitted (a few time constants), grows linearly.
    overfit_rate = 0.004 * crossing * capacity ** 2 * np.maximum(0.0, -2.5 - log_wd)
    onset = 4.0 * tau + rng.uniform(2.0, 10.0, count)
    mean += overfit_rate[:, None] * np.maximum(0.0, t - onset[:, None])

    # Instability: the largest steps diverge (more likely the larger the step).
    p_diverge = np.clip((step + 0.6) / 0.6, 0.0, 1.0)
    diverges = rng.random(count) < p_diverge
    diverge_at = rng.integers(1, 12, count)
    for i in np.nonzero(diverges)[0]:
        mean[i, diverge_at[i] - 1:] = CHANCE_LOSS

    # Validation noise: multiplicative, AR(1) across epochs.
    sigma = 0.03 + 0.04 * np.clip(10.0 ** (step + 1.0), 0.0, 1.0)
    rho = 0.6
    shocks = rng.normal(0.0, 1.0, (count, epochs))
    noise = np.empty((count, epochs))
    noise[:, 0] = shocks[:, 0]
    for e in range(1, epochs):
        noise[:, e] = rho * noise[:, e - 1] + np.sqrt(1.0 - rho ** 2) * shocks[:, e]
    curves = mean * np.exp(sigma[:, None] * noise)
    return u, curves
