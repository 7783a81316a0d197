-- POST /api/orders with 3 distinct demo products (random among 20), quantity 1, a USER token.
package.path = os.getenv("WRK_DIR") .. "/?.lua;" .. package.path
local report = require("report")

local token = os.getenv("WRK_TOKEN")
local counter = 0

function init(args)
  math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16) % 100000)
end

local function product_id(n)
  return string.format("10000000-0000-4000-8000-%012d", n)
end

function request()
  local picked, ids = {}, {}
  while #ids < 3 do
    local n = math.random(1, 20)
    if not picked[n] then
      picked[n] = true
      ids[#ids + 1] = string.format('{"product_id": "%s", "quantity": 1}', product_id(n))
    end
  end
  counter = counter + 1
  local body = '{"items": [' .. table.concat(ids, ", ") .. ']}'
  return wrk.format("POST", "/api/orders", {
    ["Authorization"] = "Bearer " .. token,
    ["Content-Type"] = "application/json",
    ["Accept"] = "application/json",
  }, body)
end

done = report.done
