package org.diffusion4j.forecast;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.diffusion4j.io.NdArray;
import org.junit.jupiter.api.Test;

class SeriesReaderTest {
  private static final String STOCKS = "symbol,date,price\nMSFT,Jan 1 2000,39.81\nAAPL,\"Jan 1, 2000\",25.9\n"
      + "MSFT,Feb 1 2000,36.35\nAAPL,Feb 1 2000,28.66\n";

  @Test
  void filterAndDateColumn() {
    Series s = SeriesReader.parseCsv(STOCKS, "stocks.csv",
        SeriesReader.Options.column("price").withFilter("symbol=AAPL"));
    assertArrayEquals(new double[] {25.9, 28.66}, s.values());
    assertEquals(List.of("Jan 1, 2000", "Feb 1 2000"), s.dates());
    assertEquals("price (symbol=AAPL)", s.name());
  }

  @Test
  void missingValuePolicies() {
    String csv = "date,x\n1,1\n2,\n3,NA\n4,7\n";
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> SeriesReader.parseCsv(csv, "f.csv", SeriesReader.Options.column("x")));
    assertTrue(e.getMessage().startsWith("f.csv: line 3, column 'x': missing value"), e.getMessage());
    Series drop = SeriesReader.parseCsv(csv, "f.csv",
        SeriesReader.Options.column("x").withMissing(SeriesReader.Missing.DROP));
    assertArrayEquals(new double[] {1, 7}, drop.values());
    assertEquals(List.of("1", "4"), drop.dates());
    Series lin = SeriesReader.parseCsv(csv, "f.csv",
        SeriesReader.Options.column("x").withMissing(SeriesReader.Missing.INTERPOLATE));
    assertArrayEquals(new double[] {1, 3, 5, 7}, lin.values(), 1e-12);
    assertThrows(IllegalArgumentException.class, () -> SeriesReader.parseCsv("x\n\n1\nNA\n", "f.csv",
        SeriesReader.Options.column("x").withMissing(SeriesReader.Missing.INTERPOLATE)));
  }

  @Test
  void badInputNamesLineAndColumn() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> SeriesReader.parseCsv("d,x\n1,2\n2,abc\n", "f.csv", SeriesReader.Options.column("x")));
    assertEquals("f.csv:3: column 'x': 'abc' is not a number", e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> SeriesReader.parseCsv("d,x\n1,2\n", "f.csv", SeriesReader.Options.column("y")));
    assertEquals("f.csv: no value column 'y'; the columns are [d, x]", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> SeriesReader.parseCsv(STOCKS, "s.csv",
        SeriesReader.Options.column("price").withFilter("symbol=IBMX")));
    assertEquals("s.csv: no row has symbol=IBMX", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> SeriesReader.Options.column("x").withFilter("symbol"));
    e = assertThrows(IllegalArgumentException.class,
        () -> SeriesReader.parseCsv("d,x\n1,2,3\n", "f.csv", SeriesReader.Options.column("x")));
    assertEquals("f.csv:2: 3 fields, the header has 2", e.getMessage());
  }

  @Test
  void npyColumns() {
    NdArray a = new NdArray(new long[] {3, 2}, new double[] {1, 10, 2, 20, 3, 30});
    assertArrayEquals(new double[] {10, 20, 30},
        SeriesReader.fromNpy(a, "a.npy", SeriesReader.Options.column("1")).values());
    assertThrows(IllegalArgumentException.class,
        () -> SeriesReader.fromNpy(a, "a.npy", SeriesReader.Options.column("2")));
    NdArray gap = new NdArray(new long[] {3}, new double[] {1, Double.NaN, 3});
    assertThrows(IllegalArgumentException.class,
        () -> SeriesReader.fromNpy(gap, "a.npy", SeriesReader.Options.column("0")));
  }
}
