//! Continuous-time Markov chains: the steady state of a finite generator, and long-run
//! rewards.
//!
//! A chain on states `0..n` is given by its transitions `i → j` with rates `q_ij ≥ 0`; the
//! generator `Q` has those off the diagonal and `q_ii = −Σ_{j≠i} q_ij`, so each row sums
//! to zero. The stationary distribution `π` solves
//!
//! ```text
//! π·Q = 0,   Σ π_i = 1
//! ```
//!
//! It exists and is unique exactly when the chain has one closed communicating class
//! (transient states are allowed; they get probability 0). That is checked on the
//! transition graph before solving: some state must be reachable from every state. The
//! system is then solved as `Qᵀ·πᵀ = 0` with the last equation replaced by the
//! normalisation `Σ π_i = 1` (one balance equation is redundant), by LU decomposition with
//! partial pivoting (nalgebra). The answer is checked: the residual `‖πQ‖∞` must be small
//! against the largest rate, and no probability may be meaningfully negative.
//!
//! Each transition carries a tag `T`, for *impulse rewards*: in steady state the long-run
//! frequency of transitions `i → j` is `π_i·q_ij` per unit time ([`Ctmc::flow`]), so
//! "failovers per hour" or "writes lost per hour" are sums of `π_i·q_ij·f(tag)`. *Rate
//! rewards* ("fraction of users served in state i") are plain dot products with `π`.
//! (Reference: Trivedi, *Probability and Statistics with Reliability, Queuing and Computer
//! Science Applications*, 2nd ed., ch. 8–10.)

use nalgebra::{DMatrix, DVector};

/// One transition `from → to` at `rate`, with a caller's tag.
#[derive(Clone, Debug, PartialEq)]
pub struct Transition<T> {
    pub from: usize,
    pub to: usize,
    pub rate: f64,
    pub tag: T,
}

/// Why a chain could not be solved.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum MarkovError {
    #[error("the chain has no states")]
    Empty,
    #[error("the generator is {rows}×{cols}, not square")]
    NotSquare { rows: usize, cols: usize },
    #[error("transition {from} → {to} is invalid: {reason}")]
    InvalidTransition {
        from: usize,
        to: usize,
        reason: &'static str,
    },
    #[error("row {row} of the generator sums to {sum}, not 0")]
    RowSum { row: usize, sum: f64 },
    #[error("the chain has more than one closed class (no state is reachable from all others), so its steady state is not unique")]
    Reducible,
    #[error("the steady-state system is numerically singular (residual {residual:e})")]
    Singular { residual: f64 },
}

/// A finite CTMC built transition by transition. Parallel transitions between the same pair
/// of states are allowed (their rates add in the generator; each keeps its own tag).
#[derive(Clone, Debug)]
pub struct Ctmc<T = ()> {
    states: usize,
    transitions: Vec<Transition<T>>,
}

impl<T> Ctmc<T> {
    pub fn new(states: usize) -> Self {
        Ctmc {
            states,
            transitions: Vec::new(),
        }
    }

    pub fn states(&self) -> usize {
        self.states
    }

    pub fn transitions(&self) -> &[Transition<T>] {
        &self.transitions
    }

    /// Adds `from → to` at `rate` (per unit time) with `tag`. A zero rate is kept but
    /// contributes nothing; invalid input is reported by [`generator`](Self::generator).
    pub fn add(&mut self, from: usize, to: usize, rate: f64, tag: T) {
        self.transitions.push(Transition {
            from,
            to,
            rate,
            tag,
        });
    }

    /// The generator matrix `Q`.
    pub fn generator(&self) -> Result<DMatrix<f64>, MarkovError> {
        if self.states == 0 {
            return Err(MarkovError::Empty);
        }
        let n = self.states;
        let mut q = DMatrix::zeros(n, n);
        for t in &self.transitions {
            let bad = |reason| MarkovError::InvalidTransition {
                from: t.from,
                to: t.to,
                reason,
            };
            if t.from >= n || t.to >= n {
                return Err(bad("a state index is out of range"));
            }
            if t.from == t.to {
                return Err(bad("a self-loop is not a transition"));
            }
            if !(t.rate.is_finite() && t.rate >= 0.0) {
                return Err(bad("the rate must be finite and ≥ 0"));
            }
            q[(t.from, t.to)] += t.rate;
            q[(t.from, t.from)] -= t.rate;
        }
        Ok(q)
    }

    /// The stationary distribution `π`; see the module docs.
    pub fn steady_state(&self) -> Result<DVector<f64>, MarkovError> {
        steady_state(&self.generator()?)
    }

    /// `Σ π_from · rate · f(tag)` over all transitions: the long-run rate at which the
    /// quantity `f(tag)` accrues per unit time.
    pub fn flow(&self, pi: &DVector<f64>, f: impl Fn(&T) -> f64) -> f64 {
        self.transitions
            .iter()
            .map(|t| {
                let w = f(&t.tag);
                if w == 0.0 {
                    0.0
                } else {
                    pi[t.from] * t.rate * w
                }
            })
            .sum()
    }
}

/// The stationary distribution of the generator `q`; see the module docs.
pub fn steady_state(q: &DMatrix<f64>) -> Result<DVector<f64>, MarkovError> {
    let (rows, cols) = q.shape();
    if rows != cols {
        return Err(MarkovError::NotSquare { rows, cols });
    }
    let n = rows;
    if n == 0 {
        return Err(MarkovError::Empty);
    }
    let scale = q.iter().fold(0.0f64, |m, x| m.max(x.abs())).max(1e-300);
    for i in 0..n {
        for j in 0..n {
            let x = q[(i, j)];
            if !x.is_finite() || (i != j && x < 0.0) {
                return Err(MarkovError::InvalidTransition {
                    from: i,
                    to: j,
                    reason: "off-diagonal rates must be finite and ≥ 0",
                });
            }
        }
        let sum: f64 = q.row(i).iter().sum();
        if sum.abs() > 1e-9 * scale {
            return Err(MarkovError::RowSum { row: i, sum });
        }
    }
    if !has_single_closed_class(q) {
        return Err(MarkovError::Reducible);
    }
    let mut a = q.transpose();
    a.row_mut(n - 1).fill(1.0);
    let mut b = DVector::zeros(n);
    b[n - 1] = 1.0;
    let singular = |residual| MarkovError::Singular { residual };
    let pi = a.lu().solve(&b).ok_or(singular(f64::INFINITY))?;
    let residual = (pi.transpose() * q).amax();
    let sum: f64 = pi.iter().sum();
    let bad_residual = residual.is_nan() || residual > 1e-9 * scale;
    if bad_residual || (sum - 1.0).abs() > 1e-9 || pi.iter().any(|&p| p < -1e-9) {
        return Err(singular(residual));
    }
    // Round-off can leave −1e-17 on a transient state: clamp and renormalise.
    let pi = pi.map(|p| p.max(0.0));
    let total: f64 = pi.iter().sum();
    Ok(pi / total)
}

/// True when some state is reachable from every state, i.e. there is exactly one closed
/// communicating class. `O(n²)` per candidate on the dense matrix; chains here are small.
fn has_single_closed_class(q: &DMatrix<f64>) -> bool {
    let n = q.nrows();
    let reach = |start: usize, forward: bool| {
        let mut seen = vec![false; n];
        let mut stack = vec![start];
        seen[start] = true;
        while let Some(i) = stack.pop() {
            for j in 0..n {
                let rate = if forward { q[(i, j)] } else { q[(j, i)] };
                if i != j && rate > 0.0 && !seen[j] {
                    seen[j] = true;
                    stack.push(j);
                }
            }
        }
        seen
    };
    // A closed class is reachable from state 0; a state of it that reaches back only
    // within it is a candidate. Try the states reachable from 0 in order.
    let from0 = reach(0, true);
    (0..n)
        .filter(|&x| from0[x])
        .any(|x| reach(x, false).iter().all(|&r| r))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_state_chain_by_hand() {
        // up ⇄ down with failure rate λ and repair rate μ: π = (μ, λ)/(λ + μ).
        let (l, m) = (1.0 / 500.0, 1.0 / 10.0);
        let mut c = Ctmc::new(2);
        c.add(0, 1, l, ());
        c.add(1, 0, m, ());
        let pi = c.steady_state().unwrap();
        assert!((pi[0] - 500.0 / 510.0).abs() < 1e-15);
        assert!((pi[1] - 10.0 / 510.0).abs() < 1e-15);
        // Failures per unit time = π_up·λ = 1/(MTBF + MTTR).
        let f = c.flow(&pi, |_| 1.0);
        assert!(
            (f - 2.0 / 510.0).abs() < 1e-15,
            "both directions count: {f}"
        );
    }

    #[test]
    fn birth_death_matches_product_form() {
        // M/M/1/K as a check on a longer chain: π_k ∝ ρ^k.
        let (lam, mu, k) = (0.8, 1.0, 12);
        let mut c = Ctmc::new(k + 1);
        for i in 0..k {
            c.add(i, i + 1, lam, ());
            c.add(i + 1, i, mu, ());
        }
        let pi = c.steady_state().unwrap();
        let rho: f64 = lam / mu;
        let norm: f64 = (0..=k).map(|i| rho.powi(i as i32)).sum();
        for i in 0..=k {
            assert!((pi[i] - rho.powi(i as i32) / norm).abs() < 1e-14);
        }
    }

    #[test]
    fn transient_states_get_zero() {
        // 0 → 1 ⇄ 2: state 0 is transient.
        let mut c = Ctmc::new(3);
        c.add(0, 1, 1.0, ());
        c.add(1, 2, 2.0, ());
        c.add(2, 1, 3.0, ());
        let pi = c.steady_state().unwrap();
        assert_eq!(pi[0], 0.0);
        assert!((pi[1] - 0.6).abs() < 1e-15 && (pi[2] - 0.4).abs() < 1e-15);
    }

    #[test]
    fn bad_chains_are_errors() {
        let mut two_sinks = Ctmc::new(3);
        two_sinks.add(0, 1, 1.0, ());
        two_sinks.add(0, 2, 1.0, ());
        assert_eq!(two_sinks.steady_state(), Err(MarkovError::Reducible));
        let mut neg = Ctmc::new(2);
        neg.add(0, 1, -1.0, ());
        assert!(matches!(
            neg.steady_state(),
            Err(MarkovError::InvalidTransition { .. })
        ));
        let mut out = Ctmc::new(2);
        out.add(0, 5, 1.0, ());
        assert!(out.steady_state().is_err());
        assert_eq!(Ctmc::<()>::new(0).steady_state(), Err(MarkovError::Empty));
        let q = DMatrix::from_row_slice(2, 2, &[-1.0, 2.0, 1.0, -1.0]);
        assert!(matches!(steady_state(&q), Err(MarkovError::RowSum { .. })));
        let single = Ctmc::<()>::new(1).steady_state().unwrap();
        assert_eq!(single.as_slice(), &[1.0]);
    }
}
