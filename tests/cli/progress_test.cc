// Tests of the progress display (src/cli/progress.h).
#include "cli/progress.h"

#include <gtest/gtest.h>

#include <sstream>
#include <thread>

namespace oups::cli {
namespace {

TEST(ProgressBar, RenderShowsRowsRateAndEta) {
  EXPECT_EQ(
      ProgressBar::Render("reading a.csv", 2'500'000, 0.25, 2.0),
      "reading a.csv [######                  ]  25%  2.50M rows  1.25M rows/s  ETA 6s");
  EXPECT_EQ(ProgressBar::Render("x", 500, 1.0, 1.0),
            "x [########################] 100%  500 rows  500 rows/s");
  EXPECT_EQ(ProgressBar::Render("x", 12'000, 0.5, 120.0),
            "x [############            ]  50%  12.0k rows  100 rows/s  ETA 2m00s");
}

TEST(ProgressBar, SilentWhenDisabledOrShort) {
  std::ostringstream err;
  {
    ProgressBar off(&err, false, "x");
    off.Update(1, 0.5);
    ProgressBar quick(&err, true, "x");
    quick.Update(1, 0.5);  // within the first second: nothing drawn
    quick.Finish();
  }
  EXPECT_EQ(err.str(), "");
}

TEST(ProgressBar, DrawsAfterOneSecondAndClearsItsLine) {
  std::ostringstream err;
  ProgressBar bar(&err, true, "reading");
  std::this_thread::sleep_for(std::chrono::milliseconds(1050));
  bar.Update(10, 0.5);
  // The ticker redraws the current figures at most 4 times a second.
  std::this_thread::sleep_for(std::chrono::milliseconds(600));
  bar.Finish();
  const std::string all = err.str();
  const std::string drawn = "\rreading [############            ]  50%  10 rows";
  EXPECT_NE(all.find(drawn), std::string::npos) << all;
  // Cleared: spaces over the last line, back to its start.
  EXPECT_EQ(all.back(), '\r');
  EXPECT_EQ(all.substr(all.rfind('\r', all.size() - 2) + 1).find_first_not_of(' '),
            all.size() - all.rfind('\r', all.size() - 2) - 2);
}

// GitHub issue 17: the bar of a CSV ingest stopped at 93-98 %, then the line
// stayed blank while the rows were written.
TEST(ProgressBar, DoneEndsTheStageAt100Percent) {
  std::ostringstream err;
  {
    ProgressBar bar(&err, true, "reading a.csv", /*delay_seconds=*/0);
    bar.Update(10, 0.93);
    EXPECT_TRUE(bar.Done(12));
  }
  const std::string all = err.str();
  const std::string first = "\rreading a.csv [######################  ]  93%";
  EXPECT_EQ(all.substr(0, first.size()), first);
  const std::string last = all.substr(all.rfind('\r'));
  const std::string done = "\rreading a.csv [########################] 100%  12 rows";
  EXPECT_EQ(last.substr(0, done.size()), done);
  EXPECT_EQ(all.back(), '\n');  // the finished stage stays on its line
  // Nothing drawn: Done draws nothing either.
  std::ostringstream quiet;
  ProgressBar short_stage(&quiet, true, "x");
  EXPECT_FALSE(short_stage.Done(5));
  EXPECT_EQ(quiet.str(), "");
}

TEST(ProgressBar, StageAfterADrawnOneShowsAtOnceAndTicks) {
  std::ostringstream err;
  ProgressBar bar(&err, true, "writing ds", /*delay_seconds=*/1.0, /*follows_drawn=*/true);
  const std::string at_once = "\rwriting ds [                        ]   0%";
  EXPECT_EQ(err.str().substr(0, at_once.size()), at_once);
  // No update for a while: the ticker shows the time going by.
  std::this_thread::sleep_for(std::chrono::milliseconds(1300));
  EXPECT_NE(err.str().find("elapsed"), std::string::npos) << err.str();
  EXPECT_TRUE(bar.Done(7));
  EXPECT_NE(err.str().find("] 100%  7 rows"), std::string::npos);
}

}  // namespace
}  // namespace oups::cli
