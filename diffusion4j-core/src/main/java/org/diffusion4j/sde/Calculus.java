package org.diffusion4j.sde;

/** The stochastic integral an SDE is written in (Kloeden &amp; Platen 1992, sec. 3.1 and 4.9). */
public enum Calculus {
  ITO,
  STRATONOVICH
}
