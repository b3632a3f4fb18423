package org.diffusion4j.nn.data;

import org.diffusion4j.array.Batch;

/**
 * The map between a data set's units and the units a model is trained in: identity, or the
 * per-column {@link Standardization} of tabular files. Samples go back to data units with
 * {@link #toData}; likelihoods in data units add {@link #logDetToModel()}.
 */
public interface DataTransform {
  /** Data units -&gt; model units (a new batch). */
  Batch toModel(Batch data);

  /** Model units -&gt; data units (a new batch; the argument is not modified). */
  Batch toData(Batch model);

  /**
   * log |det d(model)/d(data)| of one row: log p_data(x) = log p_model(T(x)) + this (change of
   * variables). Constant for the affine transforms used here.
   */
  double logDetToModel();

  /** The identity transform (data already in model units, e.g. images scaled to [-1, 1]). */
  DataTransform IDENTITY = new DataTransform() {
    @Override
    public Batch toModel(Batch data) {
      return data.copy();
    }

    @Override
    public Batch toData(Batch model) {
      return model.copy();
    }

    @Override
    public double logDetToModel() {
      return 0;
    }

    @Override
    public String toString() {
      return "identity";
    }
  };
}
