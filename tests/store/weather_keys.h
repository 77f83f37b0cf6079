// The key types of the discovery fixture (docs/behaviour.md#discovery; a
// two-level indexer, with separators "-" and "."), shared by the indexer and
// store tests.
#pragma once

#include <string>

#include "oups/store/key.h"

namespace weather {

struct SpaceTime {
  std::string area;
  std::string season;
};
OUPS_SUBLEVEL(SpaceTime, area, season);
struct WeatherEntry {
  std::string capital;
  std::string quantity;
  SpaceTime spacetime;
};
OUPS_KEY(WeatherEntry, capital, quantity, spacetime);
struct DotWeatherEntry {
  std::string capital;
  std::string quantity;
  SpaceTime spacetime;
};
OUPS_KEY_SEP(DotWeatherEntry, ".", capital, quantity, spacetime);

}  // namespace weather
