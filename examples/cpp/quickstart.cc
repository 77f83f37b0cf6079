// Quick start: a store keyed by (city, year), one write, one range read.
//   quickstart DIR   → writes DIR/berlin-2023 and prints the rows from 2023-01-02 on
#include <oups/oups.h>

#include <iostream>

struct CityYear {
  std::string city;
  int64_t year;
};
OUPS_KEY(CityYear, city, year);  // directory "berlin-2023"

oups::Status Run(const std::string& dir) {
  OUPS_ASSIGN_OR_RETURN(auto store,
                        oups::TypedStore<CityYear>::Open(oups::LocalFileSystem(), dir));
  OUPS_ASSIGN_OR_RETURN(oups::OrderedDataset berlin, store.Get({"berlin", 2023}));
  const auto ns = oups::DataType::Timestamp(oups::TimeUnit::kNano);
  const int64_t jan1 = 1'672'531'200'000'000'000, day = 86'400'000'000'000;
  OUPS_ASSIGN_OR_RETURN(
      auto ts,
      oups::ColumnFromVector(ns, std::vector<int64_t>{jan1, jan1 + day, jan1 + 2 * day}));
  OUPS_ASSIGN_OR_RETURN(
      auto temp,
      oups::ColumnFromVector(oups::DataType::Float64(), std::vector<double>{20, 21, 22}));
  OUPS_ASSIGN_OR_RETURN(oups::Table df,
                        oups::MakeTable({{"timestamp", ts}, {"temperature", temp}}));
  OUPS_RETURN_NOT_OK(berlin.Write(
      df, {.ordered_on = "timestamp", .duplicates_on = oups::Columns{"timestamp"}}));
  OUPS_ASSIGN_OR_RETURN(oups::Table rows,
                        berlin.Read({.start = oups::Scalar::Int(jan1 + day, ns)}));
  return oups::PrintRowsCsv(rows, std::cout);
}

int main(int argc, char** argv) {
  oups::Status st = Run(argc > 1 ? argv[1] : "data");
  if (!st.ok()) std::cerr << st.ToString() << "\n";
  return st.ok() ? 0 : 1;
}
