@400000006b045b3a00000000 status: local 0/10 remote 1/20
@400000006b045b8500000000 delivery 120: deferral: Sorry,_I_wasn't_able_to_establish_an_SMTP_connection._(#4.4.1)/
@400000006b045b8500000000 status: local 0/10 remote 0/20
@400000006b045ebe00000000 starting delivery 102: msg 918205 to local alice@example.com
@400000006b045ebe00000000 status: local 1/10 remote 0/20
@400000006b045ebe08f0d180 delivery 102: deferral: Unable_to_switch_to_/home/alice:_file_does_not_exist._(#4.3.0)/
@400000006b045ebe08f0d180 status: local 0/10 remote 0/20
@400000006b04602700000000 warning: trouble injecting bounce message, will try later
@400000006b04630a00000000 starting delivery 121: msg 918207 to remote erin@example.net
@400000006b04630a00000000 status: local 0/10 remote 1/20
@400000006b04634700000000 warning: trouble injecting bounce message, will try later
@400000006b04635500000000 delivery 121: deferral: Sorry,_I_wasn't_able_to_establish_an_SMTP_connection._(#4.4.1)/
@400000006b04635500000000 status: local 0/10 remote 0/20
@400000006b04649a00000000 starting delivery 61: msg 918202 to local bob@example.com
@400000006b04649a00000000 status: local 1/10 remote 0/20
@400000006b04649a00000000 starting delivery 82: msg 918204 to remote erin@example.net
@400000006b04649a00000000 status: local 0/10 remote 1/20
@400000006b04649a08f0d180 delivery 61: deferral: Unable_to_switch_to_/home/bob:_file_does_not_exist._(#4.3.0)/
@400000006b04649a08f0d180 status: local 0/10 remote 0/20
@400000006b0464e500000000 delivery 82: deferral: Sorry,_I_wasn't_able_to_establish_an_SMTP_connection._(#4.4.1)/
@400000006b0464e500000000 status: local 0/10 remote 0/20
@400000006b04694a00000000 starting delivery 35: msg 918201 to remote erin@example.net
@400000006b04694a00000000 status: local 0/10 remote 1/20
@400000006b04694a00000000 starting delivery 103: msg 918205 to local alice@example.com
@400000006b04694a00000000 status: local 1/10 remote 0/20
@400000006b04694a08f0d180 delivery 103: deferral: Unable_to_switch_to_/home/alice:_file_does_not_exist._(#4.3.0)/
@400000006b04694a08f0d180 status: local 0/10 remote 0/20
@400000006b04699500000000 delivery 35: deferral: Sorry,_I_wasn't_able_to_establish_an_SMTP_connection._(#4.4.1)/
@400000006b04699500000000 status: local 0/10 remote 0/20
@400000006b046dfa00000000 starting delivery 122: msg 918207 to remote erin@example.net
@400000006b046dfa00000000 status: local 0/10 remote 1/20
@400000006b046e4500000000 delivery 122: deferral: Sorry,_I_wasn't_able_to_establish_an_SMTP_connection._(#4.4.1)/
@400000006b046e4500000000 status: local 0/10 remote 0/20
@400000006b04711a00000000 new msg 918208
@400000006b04711a000f4240 info msg 918208: bytes 214 from <frank@example.net> qp 5287 uid 7791
@400000006b04711a004c4b40 starting delivery 131: msg 918208 to local dave@example.com
@400000006b04711a004c4b40 status: local 1/10 remote 0/20
@400000006b04711a093d1cc0 delivery 131: deferral: Unable_to_switch_to_/home/dave:_file_does_not_exist._(#4.3.0)/
@400000006b04711a093d1cc0 status: local 0/10 remote 0/20
@400000006b04715700000000 warning: trouble injecting bounce message, will try later
@400000006b04717e00000000 starting delivery 132: msg 918208 to local dave@example.com
@400000006b04717e00000000 status: local 1/10 remote 0/20
@400000006b04717e08f0d180 delivery 132: deferral: Unable_to_switch_to_/home/dave:_file_does_not_exist._(#4.3.0)/
@400000006b04717e08f0d180 status: local 0/10 remote 0/20
@400000006b0472aa00000000 starting delivery 133: msg 918208 to local dave@example.com
@400000006b0472aa00000000 status: local 1/10 remote 0/20
@400000006b0472aa08f0d180 delivery 133: deferral: Unable_to_switch_to_/home/dave:_file_does_not_exist._(#4.3.0)/
@400000006b0472aa08f0d180 status: local 0/10 remote 0/20
@400000006b04749e00000000 starting delivery 62: msg 918202 to local bob@example.com
@400000006b04749e00000000 status: local 1/10 remote 0/20
@400000006b04749e00000000 starting delivery 104: msg 918205 to local alice@example.com
@400000006b04749e00000000 status: local 1/10 remote 0/20
@400000006b04749e00000000 starting delivery 134: msg 918208 to local dave@example.com
@400000006b04749e00000000 status: local 1/10 remote 0/20
@400000006b04749e08f0d180 delivery 62: deferral: Unable_to_switch_to_/home/bob:_file_does_not_exist._(#4.3.0)/
@400000006b04749e08f0d180 status: local 0/10 remote 0/20
@400000006b04749e08f0d180 delivery 104: deferral: Unable_to_switch_to_/home/alice:_file_does_not_exist._(#4.3.0)/
@400000006b04749e08f0d180 status: local 0/10 remote 0/20
@400000006b04749e08f0d180 delivery 134: deferral: Unable_to_switch_to_/home/dave:_file_does_not_exist._(#4.3.0)/
@400000006b04749e08f0d180 status: local 0/10 remote 0/20
@400000006b04775a00000000 starting delivery 135: msg 918208 to local dave@example.com
@400000006b04775a00000000 status: local 1/10 remote 0/20
@400000006b04775a08f0d180 delivery 135: deferral: Unable_to_switch_to_/home/dave:_file_does_not_exist._(#4.3.0)/
@400000006b04775a08f0d180 status: local 0/10 remote 0/20
@400000006b047ade00000000 starting delivery 136: msg 918208 to local dave@example.com
@400000006b047ade00000000 status: local 1/10 remote 0/20
@400000006b047ade08f0d180 delivery 136: deferral: Unable_to_switch_to_/home/dave:_file_does_not_exist._(#4.3.0)/
@400000006b047ade08f0d180 status: local 0/10 remote 0/20
@400000006b047c0a00000000 starting delivery 123: msg 918207 to remote erin@example.net
@400000006b047c0a00000000 status: local 0/10 remote 1/20
@400000006b047c5500000000 delivery 123: deferral: Sorry,_I_wasn't_able_to_establish_an_SMTP_connection._(#4.4.1)/
@400000006b047c5500000000 status: local 0/10 remote 0/20
@400000006b047f2a00000000 starting delivery 83: msg 918204 to remote erin@example.net
@400000006b047f2a00000000 status: local 0/10 remote 1/20
@400000006b047f2a00000000 starting delivery 137: msg 918208 to local dave@example.com
@400000006b047f2a00000000 status: local 1/10 remote 0/20
@400000006b047f2a08f0d180 delivery 137: deferral: Unable_to_switch_to_/home/dave:_file_does_not_exist._(#4.3.0)/
@400000006b047f2a08f0d180 status: local 0/10 remote 0/20
@400000006b047f7500000000 delivery 83: deferral: Sorry,_I_wasn't_able_to_establish_an_SMTP_connection._(#4.4.1)/
@400000006b047f7500000000 status: local 0/10 remote 0/20
@400000006b0480ba00000000 starting delivery 105: msg 918205 to local alice@example.com
@400000006b0480ba00000000 status: local 1/10 remote 0/20
@400000006b0480ba08f0d180 delivery 105: deferral: Unable_to_switch_to_/home/alice:_file_does_not_exist._(#4.3.0)/
@400000006b0480ba08f0d180 status: local 0/10 remote 0/20
@400000006b0480f700000000 warning: trouble injecting bounce message, will try later
@400000006b04843e00000000 starting delivery 138: msg 918208 to local dave@example.com
@400000006b04843e00000000 status: local 1/10 remote 0/20
@400000006b04843e08f0d180 delivery 138: deferral: Unable_to_switch_to_/home/dave:_file_does_not_exist._(#4.3.0)/
@400000006b04843e08f0d180 status: local 0/10 remote 0/20
@400000006b04856a00000000 starting delivery 63: msg 918202 to local bob@example.com
@400000006b04856a00000000 status: local 1/10 remote 0/20
@400000006b04856a08f0d180 delivery 63: deferral: Unable_to_switch_to_/home/bob:_file_does_not_exist._(#4.3.0)/
@400000006b04856a08f0d180 status: local 0/10 remote 0/20
@400000006b0485a700000000 warning: trouble injecting bounce message, will try later
@400000006b048a1a00000000 starting delivery 139: msg 918208 to local dave@example.com
@400000006b048a1a00000000 status: local 1/10 remote 0/20
@400000006b048a1a08f0d180 delivery 139: deferral: Unable_to_switch_to_/home/dave:_file_does_not_exist._(#4.3.0)/
@400000006b048a1a08f0d180 status: local 0/10 remote 0/20
@400000006b048d3a00000000 starting delivery 36: msg 918201 to remote erin@example.net
@400000006b048d3a00000000 status: local 0/10 remote 1/20
@400000006b048d3a00000000 starting delivery 124: msg 918207 to remote erin@example.net
@400000006b048d3a00000000 status: local 0/10 remote 1/20
@400000006b048d3a00000000 new msg 918209
@400000006b048d3a000f4240 info msg 918209: bytes 217 from <alice@example.com> qp 5328 uid 1001
@400000006b048d3a004c4b40 starting delivery 155: msg 918209 to remote nobody@example.org
@400000006b048d3a004c4b40 status: local 0/10 remote 1/20
@400000006b048d3a35f13440 delivery 155: failure: Sorry,_I_couldn't_find_any_host_named_example.org._(#5.1.2)/
@400000006b048d3a35f13440 status: local 0/10 remote 0/20
@400000006b048d3b00000000 warning: trouble injecting bounce message, will try later
@400000006b048d8500000000 delivery 36: deferral: Sorry,_I_wasn't_able_to_establish_an_SMTP_connection._(#4.4.1)/
@400000006b048d8500000000 status: local 0/10 remote 0/20
@400000006b048d8500000000 delivery 124: deferral: Sorry,_I_wasn't_able_to_establish_an_SMTP_connection._(#4.4.1)/
@400000006b048d8500000000 status: local 0/10 remote 0/20
@400000006b048d9e00000000 starting delivery 106: msg 918205 to local alice@example.com
@400000006b048d9e00000000 status: local 1/10 remote 0/20
@400000006b048d9e08f0d180 delivery 106: deferral: Unable_to_switch_to_/home/alice:_file_does_not_exist._(#4.3.0)/
@400000006b048d9e08f0d180 status: local 0/10 remote 0/20
@400000006b048f0700000000 warning: trouble injecting bounce message, will try later
@400000006b0490be00000000 starting delivery 140: msg 918208 to local dave@example.com
@400000006b0490be00000000 status: local 1/10 remote 0/20
@400000006b0490be08f0d180 delivery 140: deferral: Unable_to_switch_to_/home/dave:_file_does_not_exist._(#4.3.0)/
@400000006b0490be08f0d180 status: local 0/10 remote 0/20
@400000006b0493b700000000 warning: trouble injecting bounce message, will try later
@400000006b0496fe00000000 starting delivery 64: msg 918202 to local bob@example.com
@400000006b0496fe00000000 status: local 1/10 remote 0/20
@400000006b0496fe08f0d180 delivery 64: deferral: Unable_to_switch_to_/home/bob:_file_does_not_exist._(#4.3.0)/
@400000006b0496fe08f0d180 status: local 0/10 remote 0/20
@400000006b04982a00000000 starting delivery 141: msg 918208 to local dave@example.com
@400000006b04982a00000000 status: local 1/10 remote 0/20
@400000006b04982a08f0d180 delivery 141: deferral: Unable_to_switch_to_/home/dave:_file_does_not_exist._(#4.3.0)/
@400000006b04982a08f0d180 status: local 0/10 remote 0/20
@400000006b049b4a00000000 starting delivery 107: msg 918205 to local alice@example.com
@400000006b049b4a00000000 status: local 1/10 remote 0/20
@400000006b049b4a08f0d180 delivery 107: deferral: Unable_to_switch_to_/home/alice:_file_does_not_exist._(#4.3.0)/
@400000006b049b4a08f0d180 status: local 0/10 remote 0/20
@400000006b049b8700000000 warning: trouble injecting bounce message, will try later
@400000006b049cda00000000 starting delivery 84: msg 918204 to remote erin@example.net
@400000006b049cda00000000 status: local 0/10 remote 1/20
@400000006b049d1700000000 warning: trouble injecting bounce message, will try later
@400000006b049d2500000000 delivery 84: deferral: Sorry,_I_wasn't_able_to_establish_an_SMTP_connection._(#4.4.1)/
@400000006b049d2500000000 status: local 0/10 remote 0/20
@400000006b04a05e00000000 starting delivery 142: msg 918208 to local dave@example.com
@400000006b04a05e00000000 status: local 1/10 remote 0/20
@400000006b04a05e08f0d180 delivery 142: deferral: Unable_to_switch_to_/home/dave:_file_does_not_exist._(#4.3.0)/
@400000006b04a05e08f0d180 status: local 0/10 remote 0/20
@400000006b04a18a00000000 starting delivery 125: msg 918207 to remote erin@example.net
@400000006b04a18a00000000 status: local 0/10 remote 1/20
@400000006b04a1c700000000 warning: trouble injecting bounce message, will try later
@400000006b04a1d500000000 delivery 125: deferral: Sorry,_I_wasn't_able_to_establish_an_SMTP_connection._(#4.4.1)/
@400000006b04a1d500000000 status: local 0/10 remote 0/20
@400000006b04a67700000000 warning: trouble injecting bounce message, will try later
@400000006b04a95a00000000 starting delivery 65: msg 918202 to local bob@example.com
@400000006b04a95a00000000 status: local 1/10 remote 0/20
@400000006b04a95a00000000 starting delivery 143: msg 918208 to local dave@example.com
@400000006b04a95a00000000 status: local 1/10 remote 0/20
@400000006b04a95a00000000 new msg 918210
@400000006b04a95a000f4240 info msg 918210: bytes 210 from <bob@example.com> qp 5369 uid 1002
@400000006b04a95a004c4b40 starting delivery 156: msg 918210 to remote erin@example.net
@400000006b04a95a004c4b40 status: local 0/10 remote 1/20
@400000006b04a95a08f0d180 delivery 65: deferral: Unable_to_switch_to_/home/bob:_file_does_not_exist._(#4.3.0)/
@400000006b04a95a08f0d180 status: local 0/10 remote 0/20
@400000006b04a95a08f0d180 delivery 143: deferral: Unable_to_switch_to_/home/dave:_file_does_not_exist._(#4.3.0)/
@400000006b04a95a08f0d180 status: local 0/10 remote 0/20
@400000006b04a9a5004c4b40 delivery 156: deferral: Sorry,_I_wasn't_able_to_establish_an_SMTP_connection._(#4.4.1)/
@400000006b04a9a5004c4b40 status: local 0/10 remote 0/20
@400000006b04a9be00000000 starting delivery 108: msg 918205 to local alice@example.com
@400000006b04a9be00000000 status: local 1/10 remote 0/20
@400000006b04a9be08f0d180 delivery 108: deferral: Unable_to_switch_to_/home/alice:_file_does_not_exist._(#4.3.0)/
@400000006b04a9be08f0d180 status: local 0/10 remote 0/20
@400000006b04aaea00000000 starting delivery 157: msg 918210 to remote erin@example.net
@400000006b04aaea00000000 status: local 0/10 remote 1/20
@400000006b04ab3500000000 delivery 157: deferral: Sorry,_I_wasn't_able_to_establish_an_SMTP_connection._(#4.4.1)/
@400000006b04ab3500000000 status: local 0/10 remote 0/20
@400000006b04af9a00000000 starting delivery 158: msg 918210 to remote erin@example.net
@400000006b04af9a00000000 status: local 0/10 remote 1/20
@400000006b04afe500000000 delivery 158: deferral: Sorry,_I_wasn't_able_to_establish_an_SMTP_connection._(#4.4.1)/
@400000006b04afe500000000 status: local 0/10 remote 0/20
@400000006b04b31e00000000 starting delivery 144: msg 918208 to local dave@example.com
@400000006b04b31e00000000 status: local 1/10 remote 0/20
@400000006b04b31e08f0d180 delivery 144: deferral: Unable_to_switch_to_/home/dave:_file_does_not_exist._(#4.3.0)/
@400000006b04b31e08f0d180 status: local 0/10 remote 0/20
@400000006b04b44a00000000 starting delivery 37: msg 918201 to remote erin@example.net
@400000006b04b44a00000000 status: local 0/10 remote 1/20
@400000006b04b48700000000 warning: trouble injecting bounce message, will try later
