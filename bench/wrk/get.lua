-- GET the URL given on the command line; the summary goes to $WRK_OUT.
package.path = os.getenv("WRK_DIR") .. "/?.lua;" .. package.path
local report = require("report")

wrk.headers["Accept"] = "application/json"
done = report.done
